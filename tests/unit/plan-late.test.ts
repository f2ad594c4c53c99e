// When a harvest plan shows as late: open or closed after its window's last day, never once harvested or cancelled.
import { describe, expect, it } from 'vitest';
import { harvestIsLate } from '../../app/components/plan-parts';

describe('harvestIsLate', () => {
  it('is late only after the last day of the window, and only while the plan still waits for its harvest', () => {
    expect(harvestIsLate({ status: 'open', harvestTo: '2026-12-06' }, '2026-12-07')).toBe(true);
    expect(harvestIsLate({ status: 'closed', harvestTo: '2026-12-06' }, '2026-12-07')).toBe(true);
    expect(harvestIsLate({ status: 'open', harvestTo: '2026-12-07' }, '2026-12-07')).toBe(false);
    expect(harvestIsLate({ status: 'harvested', harvestTo: '2026-11-01' }, '2026-12-07')).toBe(false);
    expect(harvestIsLate({ status: 'cancelled', harvestTo: '2026-11-01' }, '2026-12-07')).toBe(false);
  });
});
