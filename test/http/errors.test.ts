import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../support/app.ts';

describe('error pages', () => {
  it('answers a body over the limit with 413 and a page in the visitor\'s language', async () => {
    const { app } = makeTestApp();

    const res = await request(app)
      .post('/login')
      .set('Cookie', 'lang=en')
      .type('form')
      .send({ email: 'a@test.example', password: 'x'.repeat(150_000) });

    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.text).toContain('<html lang="en"');
    expect(res.text).toContain('What you sent is too large.');
  });

  it('answers an unknown page with 404 in Dutch and says what to do', async () => {
    const { app } = makeTestApp();

    const res = await request(app).get('/no-such-page');

    expect(res.status).toBe(404);
    expect(res.text).toContain('Deze pagina bestaat niet (meer).');
    expect(res.text).toContain('Controleer het adres, of ga naar de startpagina.');
  });
});
