/** The agent response as the PPO and SAC tests read it (the seed's schema plus mizan's fields). */
export interface AgentResponse {
  version: string;
  data_window_start: string;
  data_window_end: string;
  metrics: Record<string, number>;
  promoted: boolean;
  prior_version: string | null;
  symbols_used: string[];
  walk_forward: string;
  evaluation_weeks: { first: string; last: string; count: number };
  promotion: { compared_on: string; rule?: string; test?: { method: string; p_value: number; weeks: { count: number } } | null; comparison?: { compared_on: string; metric: string; weeks: { count: number }; samples: number; current_score: number; candidate_score: number } };
}
