import express, { type RequestHandler } from 'express';

export type UploadedFile = { field: string; filename: string; data: Buffer };
export type MultipartForm = { fields: Record<string, string>; files: UploadedFile[] };

/**
 * A small multipart/form-data reader for the one upload form we have (the resident import).
 * It only needs named text fields and files; anything malformed yields null (a 400).
 */
export function parseMultipart(body: Buffer, contentType: string): MultipartForm | null {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) return null;
  const delimiter = Buffer.from(`--${boundary}`);
  const form: MultipartForm = { fields: Object.create(null) as Record<string, string>, files: [] };
  let position = body.indexOf(delimiter);
  if (position < 0) return null;
  while (true) {
    position += delimiter.length;
    if (body.subarray(position, position + 2).toString() === '--') return form;
    position += 2; // CRLF after the delimiter
    const headerEnd = body.indexOf('\r\n\r\n', position);
    if (headerEnd < 0) return null;
    const headers = body.subarray(position, headerEnd).toString('utf8');
    const next = body.indexOf(delimiter, headerEnd + 4);
    if (next < 0) return null;
    const content = body.subarray(headerEnd + 4, next - 2); // minus the CRLF before the delimiter
    const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined || name === '__proto__') return null;
    if (filename !== undefined) form.files.push({ field: name, filename, data: Buffer.from(content) });
    else form.fields[name] = content.toString('utf8');
    position = next;
  }
}

export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
const readRaw = express.raw({ type: 'multipart/form-data', limit: MAX_UPLOAD_BYTES });

/**
 * Mounted before the CSRF check for the import path only: it reads the multipart body so the CSRF
 * token field is where the check looks (req.body._csrf), and keeps the file on res.locals.
 */
export const readImportUpload: RequestHandler = (req, res, next) => {
  if (req.method !== 'POST' || !req.is('multipart/form-data')) return next();
  readRaw(req, res, (error?: unknown) => {
    if (error) return next(error);
    const form = Buffer.isBuffer(req.body) ? parseMultipart(req.body, req.get('content-type') ?? '') : null;
    req.body = form ? { ...form.fields } : {};
    res.locals.upload = form?.files[0] ?? null;
    next();
  });
};

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      upload?: UploadedFile | null;
    }
  }
}
