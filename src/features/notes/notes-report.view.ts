import { AGE_CATEGORIES, type ParticipationReport, type SuppressedGroups } from './notes-report.service.ts';

export type ChartRow = { category: string; count: number | null; percent: number; referencePercent: number | null; smallGroups: boolean };

/** Rows for a bar chart and its table: shares of the people reached, beside the reference share if any. */
export function chartRows(groups: SuppressedGroups, reference: Map<string, number>): ChartRow[] {
  const rows: ChartRow[] = groups.shown.map((group) => ({
    category: group.category,
    count: group.count,
    percent: groups.total > 0 ? (group.count / groups.total) * 100 : 0,
    referencePercent: reference.get(group.category) ?? null,
    smallGroups: false,
  }));
  if (groups.smallGroupsTogether !== null) {
    rows.push({ category: '', count: groups.smallGroupsTogether, percent: (groups.smallGroupsTogether / groups.total) * 100, referencePercent: null, smallGroups: true });
  }
  return rows;
}

/** The participation report as the page shows it: figures, and chart rows per dimension. */
export function participationView(report: ParticipationReport) {
  return {
    ...report,
    noShowPercent: report.noShowRate === null ? null : Math.round(report.noShowRate * 1000) / 10,
    backgroundRows: chartRows(report.background, report.reference.background),
    // Age groups read youngest to oldest rather than by size; the merged small groups stay last.
    ageRows: chartRows(report.ageGroups, report.reference.age_group).sort((a, b) => ageOrder(a) - ageOrder(b)),
    streetRows: chartRows(report.streets, report.reference.street),
  };
}

function ageOrder(row: ChartRow): number {
  return row.smallGroups ? AGE_CATEGORIES.length : AGE_CATEGORIES.indexOf(row.category as (typeof AGE_CATEGORIES)[number]);
}
