import request from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import { issueUserToken } from '../../src/features/auth/auth.service.ts';
import { makeTestApp } from '../support/app.ts';
import { buildUser } from '../support/builders.ts';

// Test plan E5: a link token is a password for one purpose; it must not end up in the log, not
// even when the page behind it fails.
describe('tokens in the error log', () => {
  it('logs a failing token page without the token', async () => {
    const { app, db, clock } = makeTestApp();
    const user = await buildUser(db);
    const token = issueUserToken(db, user.id, 'password_reset', clock.now());
    db.$client.exec('DROP TABLE user_tokens'); // the page's query now fails
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});

    const res = await request(app).get(`/password/reset/${token}`);

    expect(res.status).toBe(500);
    expect(logged).toHaveBeenCalled();
    const lines = logged.mock.calls.map((args) => args.map((arg) => (arg instanceof Error ? `${arg.message} ${arg.stack}` : String(arg))).join(' '));
    expect(lines.join('\n')).not.toContain(token);
    expect(lines.join('\n')).toContain('/password/reset/');
  });
});
