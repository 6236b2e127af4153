import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute paths of the runtime folders, resolved from the project root (one level above src/). */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const paths = {
  root,
  views: path.join(root, 'views'),
  static: path.join(root, 'static'),
  migrations: path.join(root, 'db', 'migrations'),
  locales: path.join(root, 'src', 'i18n', 'locales'),
  dataDir: path.join(root, 'db'),
};
