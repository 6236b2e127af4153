import { describe, expect, it } from 'vitest';
import { reminderMoments } from '../../src/features/rsvp/rsvp-reminders.ts';

const settings = { daysBefore: 2, time: '09:00', morning: true };

describe('reminderMoments', () => {
  it('puts both reminders at 09:00 Amsterdam time across the spring daylight-saving change', () => {
    // Sunday 31 March 2030, 18:00 CEST; the clocks went forward that night.
    const moments = reminderMoments(new Date('2030-03-31T16:00:00Z'), 'Europe/Amsterdam', settings);

    expect(moments).toEqual([
      { kind: 'days_before', at: new Date('2030-03-29T08:00:00Z') }, // 09:00 CET
      { kind: 'morning', at: new Date('2030-03-31T07:00:00Z') }, // 09:00 CEST
    ]);
  });

  it('keeps 09:00 local across the autumn change and across a month boundary', () => {
    // Sunday 27 October 2030, 18:00 CET; the clocks went back that night.
    const moments = reminderMoments(new Date('2030-10-27T17:00:00Z'), 'Europe/Amsterdam', { ...settings, daysBefore: 27 });

    expect(moments.map((m) => m.at.toISOString())).toEqual(['2030-09-30T07:00:00.000Z', '2030-10-27T08:00:00.000Z']);
  });

  it('sends no morning reminder for a dinner that starts before the reminder time', () => {
    const moments = reminderMoments(new Date('2030-03-31T06:30:00Z'), 'Europe/Amsterdam', settings);

    expect(moments.map((m) => m.kind)).toEqual(['days_before']);
  });
});
