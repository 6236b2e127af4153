import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  // Shared tables live in src/db/schema.ts; each feature keeps its own in <feature>.schema.ts.
  schema: ['./src/db/schema.ts', './src/features/*/*.schema.ts'],
  out: './db/migrations',
  casing: 'snake_case',
});
