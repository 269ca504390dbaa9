"""The calendar page's inline stylesheet and the geometry the HTML renderer shares with it."""

from __future__ import annotations

TRACK_PX = 22  # height of one track of blocks inside a lane
LANE_PAD_PX = 2  # space above the first and below the last track

CSS = f"""
:root {{ --date-w: 136px; --who-w: 150px; --grid: #e4e4e4; }}
.calendar {{ --hour: calc(100% / var(--hours, 24)); }}
* {{ box-sizing: border-box; }}
body {{ margin: 0; padding: 12px 16px 32px; color: #1b1b1b; background: #fff;
  font: 13px/1.35 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Arial, sans-serif; }}
header h1 {{ font-size: 20px; margin: 0 0 4px; }}
header p {{ margin: 2px 0; }}
.tz b {{ background: #fff3c4; padding: 0 4px; border-radius: 3px; }}
.legend {{ list-style: none; display: flex; flex-wrap: wrap; gap: 6px 14px;
  padding: 0; margin: 8px 0 10px; }}
.legend li {{ display: flex; align-items: center; gap: 6px; }}
.swatch {{ display: inline-block; min-width: 34px; padding: 2px 8px; border-radius: 4px;
  font-weight: 600; }}
.mine-sample {{ outline: 2px dashed #111; outline-offset: -2px; background: #fafafa; }}
.none-sample {{ height: 18px; border: 1px solid var(--grid);
  background: repeating-linear-gradient(45deg, #f1f1f1 0 5px, #fff 5px 10px); }}
.calendar {{ border: 1px solid #c8c8c8; }}
.axis {{ position: sticky; top: 0; z-index: 20; display: grid;
  grid-template-columns: var(--date-w) var(--who-w) 1fr; background: #fafafa;
  border-bottom: 1px solid #c8c8c8; height: 22px; }}
.scale {{ position: relative; }}
.tick {{ position: absolute; top: 3px; transform: translateX(-50%); color: #555;
  font-size: 11px; }}
.tick:first-child {{ transform: none; }}
.tick:last-child {{ transform: translateX(-100%); }}
.day {{ display: grid; grid-template-columns: var(--date-w) 1fr;
  border-top: 1px solid #c8c8c8; }}
.day:first-of-type {{ border-top: 0; }}
.date {{ padding: 4px 8px; border-right: 1px solid #c8c8c8; white-space: nowrap;
  overflow: hidden; }}
.weekend .date {{ background: #f3f0ea; }}
.day.empty .date {{ color: #888; }}
.lane {{ display: grid; grid-template-columns: var(--who-w) 1fr; }}
.solo .who {{ display: none; }}
.solo .lane {{ grid-template-columns: 1fr; }}
.solo .axis {{ grid-template-columns: var(--date-w) 1fr; }}
.lane + .lane {{ border-top: 1px dotted #ddd; }}
.who {{ padding: 3px 8px; overflow: hidden; white-space: nowrap; text-overflow: ellipsis;
  border-right: 1px solid #e0e0e0; color: #333; }}
.track {{ position: relative; padding: 0; min-height: {TRACK_PX + 2 * LANE_PAD_PX}px;
  background-image: repeating-linear-gradient(to right, var(--grid) 0 1px,
    transparent 1px var(--hour)); }}
.lane.empty .track {{ background-image: repeating-linear-gradient(45deg, #f1f1f1 0 5px,
    #fff 5px 10px); }}
.none {{ position: absolute; left: 50%; top: 50%; transform: translate(-50%, -50%);
  color: #888; font-style: italic; }}
.block {{ position: absolute; height: {TRACK_PX - 2}px; padding: 2px 4px; overflow: hidden;
  white-space: nowrap; text-overflow: ellipsis; border-radius: 4px; font-size: 12px;
  box-shadow: inset 0 0 0 1px rgba(0, 0, 0, .18); cursor: default; }}
.block .desc {{ font-weight: 400; opacity: .9; }}
.block:hover {{ z-index: 10; min-width: max-content; box-shadow: 0 2px 8px rgba(0,0,0,.35); }}
.block.mine {{ outline: 2px dashed #111; outline-offset: -2px; }}
.badge {{ font-size: 10px; font-weight: 700; text-transform: uppercase; }}
.cont-before {{ border-top-left-radius: 0; border-bottom-left-radius: 0; }}
.cont-after {{ border-top-right-radius: 0; border-bottom-right-radius: 0; }}
.cont-before::before {{ content: "◂ "; }}
.cont-after::after {{ content: " ▸"; }}
[data-shifts="true"] .track {{ background-color: #e6e6e6; }}
[data-shifts="true"] .lane.empty .track {{ background-image: repeating-linear-gradient(45deg,
    #dcdcdc 0 5px, #ececec 5px 10px); }}
.block.av-available {{ border-left: 4px solid #1b5e20; }}
.block.av-busy, .block.av-break, .block.av-time_off, .av-sample.av-busy, .av-sample.av-break,
.av-sample.av-time_off {{ background-image: repeating-linear-gradient(135deg,
    rgba(255, 255, 255, .38) 0 4px, transparent 4px 9px); }}
.av-sample {{ color: #1b1b1b; font-weight: 600; }}
.av-sample.av-available {{ background: #c8ecc9; border-left: 4px solid #1b5e20; }}
.av-sample.av-busy {{ background-color: #ffe08a; }}
.av-sample.av-break {{ background-color: #ffc28a; }}
.av-sample.av-time_off {{ background-color: #cfcfcf; }}
.off-sample {{ height: 18px; background: #e6e6e6; border: 1px solid #c8c8c8; }}
.who .zone {{ color: #777; }}
.basis {{ color: #333; }}
.unmapped {{ margin-top: 18px; }}
.unmapped h2 {{ font-size: 15px; margin: 0 0 6px; color: #8a1c1c; }}
.unmapped table {{ border-collapse: collapse; }}
.unmapped td, .unmapped th {{ border: 1px solid #ddd; padding: 3px 8px; text-align: left; }}
@media print {{ .axis {{ position: static; }} }}
"""
