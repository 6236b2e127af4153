import type { RequestHandler } from 'express';
import multer from 'multer';
import { AppError } from '../../lib/errors.ts';

export type UploadedFile = { field: string; filename: string; data: Buffer };

export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

// One file field ("file") plus a few text fields (_csrf, and the like); anything beyond is refused.
const readForm = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10, parts: 12 },
}).single('file');

/**
 * Mounted before the CSRF check for the import path only: it reads the multipart body so the CSRF
 * token field is where the check looks (req.body._csrf), and keeps the file on res.locals.
 */
export const readImportUpload: RequestHandler = (req, res, next) => {
  if (req.method !== 'POST' || !req.is('multipart/form-data')) return next();
  readForm(req, res, (error?: unknown) => {
    if (error instanceof multer.MulterError) {
      const tooLarge = error.code === 'LIMIT_FILE_SIZE' || error.code === 'LIMIT_PART_COUNT' || error.code === 'LIMIT_FIELD_COUNT';
      return next(tooLarge ? new AppError(413, 'upload_too_large', 'errors.tooLarge') : new AppError(400, 'bad_upload', 'errors.badRequest'));
    }
    if (error) return next(new AppError(400, 'bad_upload', 'errors.badRequest'));
    res.locals.upload = req.file ? { field: req.file.fieldname, filename: req.file.originalname, data: req.file.buffer } : null;
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
