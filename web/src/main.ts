// Canger's public dashboard. Two views, chosen by the address:
//
//   #/2025                          the city's year: headline figures, monthly trends, streets, communities
//   #/2025/community/cm_ninghe      one community's year
//
// The city view makes three API requests (communities, every scope's figures, the city's months);
// a community page adds its own figures, months and the labels from /v1/meta. Everything is rendered
// from those answers; switching the language re-renders from memory without asking the API again.
import "./style.css";
import { Api, type Community, type Figures, type Meta, type Monthly, Unreachable, loadConfig } from "./api";
import { type Series, disposeAll, draw, resizeAll } from "./charts";
import { type Lang, type Shown, count, fenToWan, hours, money, percent, personTimes } from "./format";
import { STRINGS, type Strings } from "./i18n";

const FIRST_YEAR = 2023; // the programme's figures start in 2023 ("2023年以来…")
const LANG_KEY = "canger-dashboard-lang";

let api: Api;
let lang: Lang = localStorage.getItem(LANG_KEY) === "en" ? "en" : "zh";
let renderCount = 0; // a slow answer for a view the reader has left is dropped, not drawn
const sort = { key: "", descending: true };
let search = "";

const t = (): Strings => STRINGS[lang];

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The current year in Beijing time (the report time zone), whatever the reader's clock zone. */
function beijingYear(): number {
  return Number(new Intl.DateTimeFormat("en-US", { timeZone: "Asia/Shanghai", year: "numeric" }).format(new Date()));
}

interface Route {
  year: number;
  community: string | null;
}

function currentRoute(): Route {
  const match = /^#\/(\d{4})(?:\/community\/([a-z0-9_]+))?$/.exec(location.hash);
  // The API knows the years 2000–2100; any other address shows this year rather than an error.
  if (!match || Number(match[1]) < 2000 || Number(match[1]) > 2100) return { year: beijingYear(), community: null };
  return { year: Number(match[1]), community: match[2] ?? null };
}

function monthName(month: string): string {
  const n = Number(month.slice(5, 7));
  return lang === "zh" ? `${n}月` : new Date(2000, n - 1, 1).toLocaleString("en-US", { month: "short" });
}

// ---------------------------------------------------------------- building blocks

function figure(key: string, label: string, raw: number, shown: Shown): string {
  return `<li class="figure" data-figure="${key}" data-value="${raw}">
    <span class="figure-label">${esc(label)}</span>
    <span class="figure-number"><span class="figure-value">${esc(shown.value)}</span>
    <span class="figure-unit">${esc(shown.unit)}</span></span></li>`;
}

/** The programme's headline numbers, as officials quote them. */
function headline(f: Figures): string {
  const s = t();
  const plain = (n: number, unit: string): Shown => ({ value: count(n), unit });
  return `<ul class="headline" id="headline">
    ${figure("meetings.held", s.meetings, f.meetings.held, plain(f.meetings.held, s.meetingsUnit))}
    ${figure("appeals.resolved", s.resolved, f.appeals.resolved, plain(f.appeals.resolved, s.resolvedUnit))}
    ${figure("volunteers.activities", s.activities, f.volunteers.activities, plain(f.volunteers.activities, s.activitiesUnit))}
    ${figure("volunteers.residents_served", s.served, f.volunteers.residents_served, personTimes(f.volunteers.residents_served, lang))}
    ${figure("projects.started", s.projects, f.projects.started, plain(f.projects.started, s.projectsUnit))}
    ${figure("projects.funding.total", s.funding, f.projects.funding.total, money(f.projects.funding.total, lang))}
  </ul>`;
}

function table(caption: string, headers: string[], rows: string[][], id = ""): string {
  const head = headers.map((h, i) => `<th scope="col"${i ? ' class="num"' : ""}>${esc(h)}</th>`).join("");
  const body = rows
    .map((r) => `<tr>${r.map((c, i) => (i ? `<td class="num">${esc(c)}</td>` : `<th scope="row">${esc(c)}</th>`)).join("")}</tr>`)
    .join("");
  return `<div class="table-scroll"><table${id ? ` id="${id}"` : ""}><caption>${esc(caption)}</caption>
    <thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

interface ChartSpec {
  title: string;
  categories: string[];
  series: Series[];
  horizontal?: boolean;
  percent?: boolean;
}

const pendingCharts: { id: string; spec: ChartSpec }[] = [];

/** A chart and the table with its numbers (the chart is hidden from screen readers; the table is not). */
function chartWithTable(spec: ChartSpec, tableRows?: { headers: string[]; rows: string[][] }): string {
  const id = `chart-${pendingCharts.length}`;
  pendingCharts.push({ id, spec });
  const format = spec.percent ? (v: number) => percent(v) : (v: number) => count(v);
  const numbers = tableRows ?? {
    headers: ["", ...spec.series.map((s) => s.name)],
    rows: spec.categories.map((c, i) => [c, ...spec.series.map((s) => format(s.values[i] ?? 0))]),
  };
  const height = spec.horizontal ? Math.max(220, spec.categories.length * 26 + 60) : 280;
  return `<figure class="chart-block">
    <figcaption>${esc(spec.title)}</figcaption>
    <div class="chart" id="${id}" aria-hidden="true" style="height:${height}px"></div>
    <button type="button" class="show-numbers" aria-hidden="true" tabindex="-1">${esc(t().showTable)}</button>
    <div class="numbers">${table(spec.title, numbers.headers, numbers.rows)}</div>
  </figure>`;
}

/** Sighted readers open a chart's table with its button; screen readers and printers always have it. */
function bindTableButtons(root: HTMLElement): void {
  for (const button of root.querySelectorAll<HTMLButtonElement>("button.show-numbers")) {
    button.addEventListener("click", () => {
      const shown = button.nextElementSibling!.classList.toggle("shown");
      button.textContent = shown ? t().hideTable : t().showTable;
    });
  }
}

function drawPendingCharts(): void {
  for (const { id, spec } of pendingCharts.splice(0)) {
    const element = document.getElementById(id);
    if (element) draw(element, spec.categories, spec.series, spec);
  }
}

function trends(monthly: Monthly): string {
  const s = t();
  const m = monthly.months;
  const names = m.map((x) => monthName(x.month));
  const appeals = chartWithTable({
    title: s.trendAppeals,
    categories: names,
    series: [
      { name: s.submitted, kind: "line", values: m.map((x) => x.appeals.submitted) },
      { name: s.resolvedShort, kind: "line", values: m.map((x) => x.appeals.resolved) },
      { name: s.closed, kind: "line", values: m.map((x) => x.appeals.closed) },
    ],
  });
  const service = chartWithTable(
    {
      title: s.trendService,
      categories: names,
      series: [
        { name: s.activitiesShort, kind: "bar", values: m.map((x) => x.volunteers.activities) },
        { name: s.meetingsHeld, kind: "bar", values: m.map((x) => x.meetings.held) },
        { name: s.sessions, kind: "bar", values: m.map((x) => x.projects.sessions) },
      ],
    },
    {
      headers: [s.month, s.activitiesShort, s.volunteerHours, s.residentsServed, s.meetingsHeld, s.sessions, s.fundingWan, s.disbursedWan],
      rows: m.map((x) => [
        monthName(x.month),
        count(x.volunteers.activities),
        hours(x.volunteers.hours),
        count(x.volunteers.residents_served),
        count(x.meetings.held),
        count(x.projects.sessions),
        fenToWan(x.projects.funding),
        fenToWan(x.projects.disbursed),
      ]),
    },
  );
  return `<section class="panel" aria-labelledby="trends-title"><h2 id="trends-title">${esc(s.trends)}</h2>
    <div class="two">${appeals}${service}</div></section>`;
}

function isEmpty(f: Figures): boolean {
  return (
    f.appeals.submitted + f.appeals.resolved + f.meetings.held + f.volunteers.registered + f.volunteers.activities +
      f.projects.started + f.projects.funding.total + f.projects.sessions ===
    0
  );
}

// ---------------------------------------------------------------- the views

function streetsOf(communities: Community[]): { id: string; name: string }[] {
  const seen = new Map<string, string>();
  for (const c of communities) if (!seen.has(c.street_id)) seen.set(c.street_id, c.street_name);
  return [...seen].map(([id, name]) => ({ id, name }));
}

function streetsSection(streets: { id: string; name: string }[], figures: Record<string, Figures>): string {
  const s = t();
  const f = streets.map((x) => figures[x.id]);
  const names = streets.map((x) => x.name);
  const appeals = chartWithTable({
    title: s.streetsAppeals,
    categories: names,
    series: [
      { name: s.submitted, kind: "bar", values: f.map((x) => x.appeals.submitted) },
      { name: s.resolvedShort, kind: "bar", values: f.map((x) => x.appeals.resolved) },
    ],
  });
  const rates = chartWithTable({
    title: s.streetsRates,
    categories: names,
    percent: true,
    series: [
      { name: s.resolutionRate, kind: "bar", values: f.map((x) => x.appeals.resolution_rate ?? 0) },
      { name: s.satisfactionRate, kind: "bar", values: f.map((x) => x.appeals.satisfaction_rate ?? 0) },
    ],
  });
  const summary = table(
    s.streets,
    [s.street, s.submitted, s.resolvedShort, s.resolutionRate, s.satisfactionRate, s.volunteerHours, s.fundingWan],
    streets.map((x, i) => [
      x.name,
      count(f[i].appeals.submitted),
      count(f[i].appeals.resolved),
      percent(f[i].appeals.resolution_rate),
      percent(f[i].appeals.satisfaction_rate),
      hours(f[i].volunteers.hours),
      fenToWan(f[i].projects.funding.total),
    ]),
    "streets-table",
  );
  return `<section class="panel" aria-labelledby="streets-title"><h2 id="streets-title">${esc(s.streets)}</h2>
    <div class="two">${appeals}${rates}</div>${summary}</section>`;
}

interface Column {
  key: string;
  label: (s: Strings) => string;
  value: (c: Community, f: Figures) => number | string;
  show: (c: Community, f: Figures) => string;
}

const COLUMNS: Column[] = [
  {
    key: "name",
    label: (s) => s.community,
    value: (c) => c.name,
    show: (c) => `<a href="#/${currentRoute().year}/community/${esc(c.id)}">${esc(c.name)}</a>`,
  },
  { key: "street", label: (s) => s.street, value: (c) => c.street_name, show: (c) => esc(c.street_name) },
  { key: "submitted", label: (s) => s.submitted, value: (_, f) => f.appeals.submitted, show: (_, f) => count(f.appeals.submitted) },
  {
    key: "resolution_rate",
    label: (s) => s.resolutionRate,
    value: (_, f) => f.appeals.resolution_rate ?? -1,
    show: (_, f) => percent(f.appeals.resolution_rate),
  },
  {
    key: "satisfaction_rate",
    label: (s) => s.satisfactionRate,
    value: (_, f) => f.appeals.satisfaction_rate ?? -1,
    show: (_, f) => percent(f.appeals.satisfaction_rate),
  },
  { key: "activities", label: (s) => s.activitiesShort, value: (_, f) => f.volunteers.activities, show: (_, f) => count(f.volunteers.activities) },
  { key: "hours", label: (s) => s.volunteerHours, value: (_, f) => f.volunteers.hours, show: (_, f) => hours(f.volunteers.hours) },
  { key: "funding", label: (s) => s.fundingWan, value: (_, f) => f.projects.funding.total, show: (_, f) => fenToWan(f.projects.funding.total) },
  {
    key: "secretary_led",
    label: (s) => s.secretaryLed,
    value: (_, f) => f.projects.by_kind.secretary_led ?? 0,
    show: (_, f) =>
      f.projects.by_kind.secretary_led
        ? count(f.projects.by_kind.secretary_led)
        : `<span class="flag">${esc(t().noSecretaryLed)}</span>`,
  },
];

function communityRows(communities: Community[], figures: Record<string, Figures>): string {
  const needle = search.trim().toLowerCase();
  let rows = communities.filter(
    (c) => !needle || c.name.toLowerCase().includes(needle) || c.street_name.toLowerCase().includes(needle) || c.id.includes(needle),
  );
  const column = COLUMNS.find((c) => c.key === sort.key);
  if (column) {
    const direction = sort.descending ? -1 : 1;
    rows = [...rows].sort((a, b) => {
      const x = column.value(a, figures[a.id]);
      const y = column.value(b, figures[b.id]);
      const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), "zh-CN");
      return order * direction;
    });
  }
  if (!rows.length) return `<tr><td colspan="${COLUMNS.length}" class="no-match">${esc(t().noMatch)}</td></tr>`;
  return rows
    .map((c) => {
      const f = figures[c.id];
      const flagged = !(f.projects.by_kind.secretary_led ?? 0);
      const cells = COLUMNS.map((col, i) =>
        i === 0 ? `<th scope="row">${col.show(c, f)}</th>` : `<td class="${i > 1 ? "num" : ""}">${col.show(c, f)}</td>`,
      );
      return `<tr data-community="${esc(c.id)}"${flagged ? ' class="flagged"' : ""}>${cells.join("")}</tr>`;
    })
    .join("");
}

function communitiesSection(communities: Community[], figures: Record<string, Figures>): string {
  const s = t();
  const lacking = communities.filter((c) => !(figures[c.id].projects.by_kind.secretary_led ?? 0)).length;
  const headers = COLUMNS.map((col, i) => {
    const state = sort.key === col.key ? (sort.descending ? "descending" : "ascending") : "none";
    const arrow = state === "descending" ? "▼" : state === "ascending" ? "▲" : "↕";
    return `<th scope="col" aria-sort="${state}"${i > 1 ? ' class="num"' : ""}>
      <button type="button" class="sort" data-sort="${col.key}" title="${esc(s.sortBy(col.label(s)))}">${esc(col.label(s))}
      <span aria-hidden="true">${arrow}</span></button></th>`;
  }).join("");
  return `<section class="panel" aria-labelledby="communities-title">
    <h2 id="communities-title">${esc(s.communities)}</h2>
    <p class="note"><span class="flag">${esc(s.noSecretaryLed)}</span> ${esc(s.lacking(lacking))}</p>
    <label class="search"><span class="visually-hidden">${esc(s.searchLabel)}</span>
      <input type="search" id="community-search" placeholder="${esc(s.search)}" value="${esc(search)}"></label>
    <div class="table-scroll"><table id="communities-table"><caption class="visually-hidden">${esc(s.communities)}</caption>
      <thead><tr>${headers}</tr></thead><tbody>${communityRows(communities, figures)}</tbody></table></div>
  </section>`;
}

async function cityView(main: HTMLElement, year: number, mine: number): Promise<void> {
  const [communities, every, monthly] = await Promise.all([api.communities(), api.everyScope(year), api.months(year, "city")]);
  if (mine !== renderCount) return;
  const s = t();
  if (isEmpty(every.city)) {
    main.innerHTML = emptyState(year);
    return;
  }
  main.innerHTML = `<section class="panel hero" aria-labelledby="headline-title">
      <h2 id="headline-title">${esc(s.headline(year))}</h2>${headline(every.city)}</section>
    ${trends(monthly)}
    ${streetsSection(streetsOf(communities.items), every.streets)}
    ${communitiesSection(communities.items, every.communities)}`;
  markPainted();
  drawPendingCharts();
  bindTableButtons(main);

  bindCommunityTable(main, communities.items, every.communities, false);
}

/** The communities table's search box and sortable headers (bound again each time a sort redraws it). */
function bindCommunityTable(
  main: HTMLElement,
  communities: Community[],
  figures: Record<string, Figures>,
  focusSorted: boolean,
): void {
  const table = main.querySelector<HTMLTableElement>("#communities-table")!;
  const input = main.querySelector<HTMLInputElement>("#community-search")!;
  input.addEventListener("input", () => {
    search = input.value;
    table.tBodies[0].innerHTML = communityRows(communities, figures);
  });
  for (const button of table.querySelectorAll<HTMLButtonElement>("button.sort")) {
    button.addEventListener("click", () => {
      const key = button.dataset.sort!;
      // Numbers sort largest first on the first click, names alphabetically; a second click reverses.
      sort.descending = sort.key === key ? !sort.descending : !["name", "street"].includes(key);
      sort.key = key;
      button.closest("section")!.outerHTML = communitiesSection(communities, figures);
      bindCommunityTable(main, communities, figures, true);
    });
  }
  if (focusSorted) main.querySelector<HTMLButtonElement>(`button.sort[data-sort="${sort.key}"]`)?.focus();
}

function label(labels: Meta["appeal_categories"], code: string): string {
  const found = labels.find((l) => l.code === code);
  return found ? (lang === "zh" ? found.label_zh : found.label_en) : code;
}

async function communityView(main: HTMLElement, year: number, id: string, mine: number): Promise<void> {
  const scope = `community:${id}`;
  const communities = await api.communities();
  const community = communities.items.find((c) => c.id === id);
  const s = t();
  if (!community) {
    main.innerHTML = `<section class="state empty" role="status"><h2>${esc(s.unknownCommunity)}</h2>
      <p><a href="#/${year}">${esc(s.back)}</a></p></section>`;
    return;
  }
  const [figures, monthly, meta] = await Promise.all([api.stats(year, scope), api.months(year, scope), api.meta()]);
  if (mine !== renderCount) return;
  const categories = meta.appeal_categories.filter((c) => (figures.appeals.by_category[c.code] ?? 0) > 0);
  const byCategory = categories.length
    ? chartWithTable({
        title: s.byCategory,
        categories: categories.map((c) => label(meta.appeal_categories, c.code)),
        series: [{ name: s.count, kind: "bar", values: categories.map((c) => figures.appeals.by_category[c.code]) }],
        horizontal: true,
      })
    : "";
  const rates = table(
    community.name,
    ["", s.submitted, s.resolvedShort, s.resolutionRate, s.satisfactionRate, s.volunteerHours, s.secretaryLed],
    [
      [
        community.name,
        count(figures.appeals.submitted),
        count(figures.appeals.resolved),
        percent(figures.appeals.resolution_rate),
        percent(figures.appeals.satisfaction_rate),
        hours(figures.volunteers.hours),
        count(figures.projects.by_kind.secretary_led ?? 0),
      ],
    ],
    "community-table",
  );
  main.innerHTML = `<p><a class="back" href="#/${year}">${esc(s.back)}</a></p>
    <section class="panel hero" aria-labelledby="community-title" data-community="${esc(id)}">
      <h2 id="community-title">${esc(s.communityHeadline(community.name, year))}
      <small>${esc(community.street_name)}</small></h2>
      ${isEmpty(figures) ? `<p class="state-inline">${esc(s.emptyTitle(year))}</p>` : ""}
      ${headline(figures)}${rates}</section>
    ${trends(monthly)}
    ${byCategory ? `<section class="panel">${byCategory}</section>` : ""}`;
  drawPendingCharts();
  bindTableButtons(main);
}

function emptyState(year: number): string {
  const s = t();
  return `<section class="state empty" id="empty-state" role="status"><h2>${esc(s.emptyTitle(year))}</h2>
    <p>${esc(s.emptyBody)}</p></section>`;
}

function errorState(): string {
  const s = t();
  return `<section class="state error" id="error-state" role="alert"><h2>${esc(s.errorTitle)}</h2>
    <p>${esc(s.errorBody)}</p><button type="button" id="retry">${esc(s.retry)}</button></section>`;
}

/** The city's figures are on screen: what the benchmark's "first meaningful paint" waits for. */
function markPainted(): void {
  requestAnimationFrame(() => setTimeout(() => performance.mark("canger:figures-painted"), 0));
}

// ---------------------------------------------------------------- the page

function header(year: number): string {
  const s = t();
  const last = Math.max(beijingYear(), year);
  const years: number[] = [];
  for (let y = last; y >= Math.min(FIRST_YEAR, year); y--) years.push(y);
  const options = years.map((y) => `<option value="${y}"${y === year ? " selected" : ""}>${esc(s.yearValue(y))}</option>`).join("");
  return `<div class="bar"><div><h1>${esc(s.title)}</h1><p class="subtitle">${esc(s.subtitle)}</p></div>
    <div class="controls"><label>${esc(s.year)} <select id="year-picker">${options}</select></label>
    <button type="button" id="lang-switch" lang="${lang === "zh" ? "en" : "zh-CN"}" aria-label="${esc(s.switchLabel)}">${esc(s.switchTo)}</button></div></div>`;
}

async function render(): Promise<void> {
  const mine = ++renderCount;
  const { year, community } = currentRoute();
  const s = t();
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.title = s.title;
  disposeAll();
  pendingCharts.length = 0;
  document.getElementById("top")!.innerHTML = header(year);
  document.getElementById("source")!.textContent = s.source;
  const main = document.getElementById("main")!;
  main.setAttribute("aria-busy", "true");
  main.innerHTML = `<p class="loading">${esc(s.loading)}</p>`;
  document.getElementById("year-picker")!.addEventListener("change", (e) => {
    const picked = (e.target as HTMLSelectElement).value;
    location.hash = community ? `#/${picked}/community/${community}` : `#/${picked}`;
  });
  document.getElementById("lang-switch")!.addEventListener("click", () => {
    lang = lang === "zh" ? "en" : "zh";
    localStorage.setItem(LANG_KEY, lang);
    void render();
  });
  try {
    if (community) await communityView(main, year, community, mine);
    else await cityView(main, year, mine);
  } catch (error) {
    if (!(error instanceof Unreachable)) throw error;
    if (mine !== renderCount) return;
    main.innerHTML = errorState();
    document.getElementById("retry")!.addEventListener("click", () => void render());
  } finally {
    if (mine === renderCount) main.removeAttribute("aria-busy");
  }
}

async function start(): Promise<void> {
  api = new Api((await loadConfig()).api_url);
  window.addEventListener("hashchange", () => {
    window.scrollTo(0, 0);
    void render();
  });
  let resizing = 0;
  window.addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = window.setTimeout(resizeAll, 100);
  });
  await render();
}

void start();
