// The dashboard page: one self-contained HTML file, with uPlot's script and
// styles, the page's own, and the data all inlined, so that it opens offline
// from a file:// URL with nothing fetched. Pure: the assets' text is handed in
// (cli/dashboard-assets.ts reads it), and the data is built by data.ts.
import type { DashboardData } from './data.ts';

/** The text of everything the page inlines. */
export interface DashboardAssets {
  uplotJs: string;
  uplotCss: string;
  appJs: string;
  appCss: string;
}

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Text inside a <script> or <style> element must not close it early. */
const inScript = (s: string): string => s.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
const inStyle = (s: string): string => s.replace(/<\/(style)/gi, '<\\/$1');

export function renderDashboard(data: DashboardData, assets: DashboardAssets): string {
  // JSON inside a script element: "<" escaped, so no "</script>" or "<!--" can appear in it
  const json = JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Assay">
<title>${escapeHtml(data.title)}</title>
<style>${inStyle(assets.uplotCss)}</style>
<style>${inStyle(assets.appCss)}</style>
</head>
<body>
<header class="top">
  <h1>${escapeHtml(data.title)}</h1>
  <span class="meta" id="meta"></span>
  <nav><a href="#verdicts-section">Latest verdicts</a><a href="#charts-section">Trends</a><a href="#scores-section">Scores</a></nav>
</header>
<div class="filters" role="search">
  <label>Problem <select id="f-problem"><option value="">all</option></select></label>
  <label>Backend <select id="f-backend"><option value="">all</option></select></label>
  <label>Machine <select id="f-machine"><option value="">all</option></select></label>
  <label>Search <input id="f-text" type="search" placeholder="case, machine, verdict…" autocomplete="off"></label>
  <span class="count" id="count"></span>
</div>
<main>
  <section id="verdicts-section">
    <h2>Latest verdicts <span class="sub">each series' last change point, worst first; a change beyond ±${(data.threshold * 100).toFixed(1)}% is slower or faster</span></h2>
    <div class="panel table-wrap">
      <table id="verdicts">
        <thead><tr><th>verdict</th><th>case</th><th>machine</th><th>mode</th><th class="num">latest</th><th class="num">last change</th><th>on</th><th>between</th><th class="num">confidence</th></tr></thead>
        <tbody></tbody>
      </table>
      <div class="note" id="no-match" hidden>No series match the filters.</div>
    </div>
  </section>
  <section id="charts-section">
    <h2>Trends <span class="sub">median per night with its 95% CI; dashed lines are change points; drag to zoom, double-click to reset</span></h2>
    <div class="grid" id="charts"></div>
  </section>
  <section id="scores-section">
    <h2>Scores <span class="sub">the latest score of each candidate, per problem; fast_p is the share of candidates that are correct and more than p× faster than the reference</span></h2>
    <div id="leaderboards"></div>
  </section>
  <section id="costs-section" hidden>
    <h2>Fleet cost <span class="sub">the fleet's finished jobs, per host and kind: wall and CPU time on their workers, and the cost at each worker's price per hour</span></h2>
    <div id="costs"></div>
  </section>
</main>
<script type="application/json" id="assay-data">${json}</script>
<script>${inScript(assets.uplotJs)}</script>
<script>${inScript(assets.appJs)}</script>
</body>
</html>
`;
}
