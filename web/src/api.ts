// The public endpoints the dashboard reads (API.md), and where the API is: `config.json` next to the
// page says (written by the deployment in AWS, answered by the local server), so one build serves both.

export interface AppealFigures {
  submitted: number;
  resolved: number;
  resolved_on_site: number;
  resolved_at_meetings: number;
  escalated: number;
  closed: number;
  reopened: number;
  resolution_rate: number | null;
  satisfaction_avg: number | null;
  satisfaction_rate: number | null;
  avg_resolution_hours: number | null;
  by_category: Record<string, number>;
}

export interface Figures {
  appeals: AppealFigures;
  meetings: { held: number; appeals_discussed: number };
  volunteers: {
    registered: number;
    active: number;
    activities: number;
    hours: number;
    residents_served: number;
    by_field: Record<string, number>;
  };
  projects: {
    started: number;
    by_kind: Record<string, number>;
    funding: { total: number; by_source: Record<string, number> };
    disbursed: number;
    sessions: number;
    residents_served: number;
    beneficiaries_covered: number;
  };
}

export interface LiveFigures extends Figures {
  year: number;
  scope: string;
  timezone: string;
}

export interface EveryScope {
  year: number;
  timezone: string;
  city: Figures;
  streets: Record<string, Figures>;
  communities: Record<string, Figures>;
}

export interface MonthFigures {
  month: string;
  appeals: { submitted: number; resolved: number; closed: number };
  meetings: { held: number };
  volunteers: { activities: number; hours: number; residents_served: number };
  projects: { funding: number; disbursed: number; sessions: number };
}

export interface Monthly {
  year: number;
  scope: string;
  timezone: string;
  months: MonthFigures[];
}

export interface Community {
  id: string;
  name: string;
  street_id: string;
  street_name: string;
}

export interface Label {
  code: string;
  label_zh: string;
  label_en: string;
}

export interface Meta {
  appeal_categories: Label[];
  service_fields: Label[];
  project_kinds: Label[];
  funding_sources: Label[];
}

/** The API did not answer, or answered with an error: the page shows its error state. */
export class Unreachable extends Error {}

export interface Config {
  api_url: string; // "" means the page's own origin
}

export async function loadConfig(): Promise<Config> {
  try {
    const reply = await fetch("config.json", { cache: "no-store" });
    if (reply.ok) {
      const config = (await reply.json()) as Partial<Config>;
      return { api_url: (config.api_url ?? "").replace(/\/+$/, "") };
    }
  } catch {
    // No config.json (a plain static server): the API is expected at the page's origin.
  }
  return { api_url: "" };
}

/** Reads public endpoints; a path is fetched once per page load (going back to a view costs nothing). */
export class Api {
  private cache = new Map<string, Promise<unknown>>();

  constructor(private readonly base: string) {}

  get<T>(path: string): Promise<T> {
    let pending = this.cache.get(path);
    if (!pending) {
      pending = this.fetch(path);
      pending.catch(() => this.cache.delete(path)); // a failure is not remembered: "retry" fetches again
      this.cache.set(path, pending);
    }
    return pending as Promise<T>;
  }

  private async fetch(path: string): Promise<unknown> {
    let reply: Response;
    try {
      reply = await fetch(this.base + path, { headers: { Accept: "application/json" } });
    } catch (error) {
      throw new Unreachable(String(error));
    }
    if (!reply.ok) throw new Unreachable(`${path}: ${reply.status}`);
    return reply.json();
  }

  communities(): Promise<{ items: Community[] }> {
    return this.get("/v1/communities");
  }
  meta(): Promise<Meta> {
    return this.get("/v1/meta");
  }
  everyScope(year: number): Promise<EveryScope> {
    return this.get(`/v1/stats/${year}/scopes`);
  }
  stats(year: number, scope: string): Promise<LiveFigures> {
    return this.get(`/v1/stats/${year}?scope=${encodeURIComponent(scope)}`);
  }
  months(year: number, scope: string): Promise<Monthly> {
    return this.get(`/v1/stats/${year}/months?scope=${encodeURIComponent(scope)}`);
  }
}
