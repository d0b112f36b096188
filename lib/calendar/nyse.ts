/**
 * The NYSE calendar for 2025 through 2027, as data: the days the exchange is closed and the days it closes early.
 *
 * Source: NYSE Group's announcements "NYSE Group Announces 2025, 2026 and 2027 Holiday and Early Closings
 * Calendar" (8 November 2024) and "… 2026, 2027 and 2028 …" (23 December 2025), as published on nyse.com
 * (Markets › Hours & Calendars), plus the closure of 9 January 2025 for the National Day of Mourning for
 * President Jimmy Carter, which NYSE announced on 29 December 2024. On an early close the regular session ends
 * at 13:00 and the late (post-market) session at 17:00 New York time.
 *
 * Dates outside the years listed have no holidays here: weekends are still closed, every weekday is a full day.
 */
export const NYSE_YEARS = [2025, 2026, 2027] as const;

/** Full-day closures, `YYYY-MM-DD` New York dates. */
export const NYSE_HOLIDAYS: Readonly<Record<string, string>> = {
  '2025-01-01': "New Year's Day",
  '2025-01-09': 'National Day of Mourning for President Carter',
  '2025-01-20': 'Martin Luther King, Jr. Day',
  '2025-02-17': "Washington's Birthday",
  '2025-04-18': 'Good Friday',
  '2025-05-26': 'Memorial Day',
  '2025-06-19': 'Juneteenth National Independence Day',
  '2025-07-04': 'Independence Day',
  '2025-09-01': 'Labor Day',
  '2025-11-27': 'Thanksgiving Day',
  '2025-12-25': 'Christmas Day',
  '2026-01-01': "New Year's Day",
  '2026-01-19': 'Martin Luther King, Jr. Day',
  '2026-02-16': "Washington's Birthday",
  '2026-04-03': 'Good Friday',
  '2026-05-25': 'Memorial Day',
  '2026-06-19': 'Juneteenth National Independence Day',
  '2026-07-03': 'Independence Day (observed)',
  '2026-09-07': 'Labor Day',
  '2026-11-26': 'Thanksgiving Day',
  '2026-12-25': 'Christmas Day',
  '2027-01-01': "New Year's Day",
  '2027-01-18': 'Martin Luther King, Jr. Day',
  '2027-02-15': "Washington's Birthday",
  '2027-03-26': 'Good Friday',
  '2027-05-31': 'Memorial Day',
  '2027-06-18': 'Juneteenth National Independence Day (observed)',
  '2027-07-05': 'Independence Day (observed)',
  '2027-09-06': 'Labor Day',
  '2027-11-25': 'Thanksgiving Day',
  '2027-12-24': 'Christmas Day (observed)',
};

/** Early closes (regular session to 13:00, post-market to 17:00), `YYYY-MM-DD` New York dates. */
export const NYSE_EARLY_CLOSES: Readonly<Record<string, string>> = {
  '2025-07-03': 'Day before Independence Day',
  '2025-11-28': 'Day after Thanksgiving',
  '2025-12-24': 'Christmas Eve',
  '2026-11-27': 'Day after Thanksgiving',
  '2026-12-24': 'Christmas Eve',
  '2027-11-26': 'Day after Thanksgiving',
};
