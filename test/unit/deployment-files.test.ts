import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

describe('deployment files', () => {
  it('docker-compose.yml runs PostgreSQL and the app built from the Dockerfile, wired together', () => {
    const compose = parse(read('docker-compose.yml'));
    expect(Object.keys(compose.services).sort()).toEqual(['app', 'postgres']);
    const { app, postgres } = compose.services;
    expect(app.build).toBe('.');
    expect(app.depends_on.postgres.condition).toBe('service_healthy');
    const db = postgres.environment;
    expect(app.environment.DATABASE_URL).toBe(`postgres://${db.POSTGRES_USER}:${db.POSTGRES_PASSWORD}@postgres:5432/${db.POSTGRES_DB}`);
    expect(app.environment.APP_SECRET_KEY).toMatch(/^\$\{APP_SECRET_KEY:\?/);
    expect(app.environment.SESSION_SECRET).toMatch(/^\$\{SESSION_SECRET:\?/);
    expect(postgres.volumes[0]).toMatch(/^postgres-data:/);
    expect(compose.volumes).toHaveProperty('postgres-data');
  });

  it('the Dockerfile builds and starts the server', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile).toMatch(/RUN npm ci/);
    expect(dockerfile).toMatch(/CMD \["node", "dist\/src\/main\.js"\]/);
  });

  it('the image\'s maintenance command is the binary package.json names', () => {
    const { bin } = JSON.parse(read('package.json')) as { bin: { maintenance: string } };
    expect(read('Dockerfile')).toContain(`RUN ln -s /app/${bin.maintenance} /usr/local/bin/maintenance`);
  });

  it('every stage runs Node 24 LTS, the version package.json and CI ask for', () => {
    const stages = [...read('Dockerfile').matchAll(/^FROM (\S+)/gm)].map((match) => match[1]);
    expect(stages).toEqual(['node:24-bookworm-slim', 'node:24-bookworm-slim']);
    expect(JSON.parse(read('package.json')).engines.node).toBe('>=22.12');
    const ci = read('.ci/run');
    expect(ci).toMatch(/node-linux-\$arch@24/);
    expect(ci.indexOf('node --version')).toBeGreaterThan(-1);
    expect(ci.indexOf('node --version')).toBeLessThan(ci.indexOf('npm ci'));
  });

  it('.env.example documents every variable the config reads', () => {
    const example = read('.env.example');
    const schema = read('src/config/config.schema.ts');
    const variables = [...schema.matchAll(/^\s{4}([A-Z_]+):/gm)].map((match) => match[1]);
    expect(variables.length).toBeGreaterThan(5);
    for (const variable of variables) expect(example).toMatch(new RegExp(`# .+\\n(#.*\\n)*${variable}=`));
  });
});
