// Multipart forms with files: size-limited reading, files recognised by their bytes, per-field messages.
import {
  unstable_composeUploadHandlers as composeUploadHandlers,
  unstable_createMemoryUploadHandler as createMemoryUploadHandler,
  unstable_parseMultipartFormData as parseMultipartFormData,
} from '@remix-run/node';
import { BodyTooLargeError } from './body-limit.server';
import { type FieldErrors, bodyRefusal, refusal, refuseControlCharacters } from './forms.server';
import { type SniffedType, sniffFileType } from './storage.server';

/**
 * sharp (libvips) loads on the first image, not when a process starts: most requests carry none, and it is tens
 * of megabytes resident (issue #22).
 */
export async function loadSharp() {
  return (await import('sharp')).default;
}

export type FileFieldRule = {
  /** How many files the field takes at most. */
  max: number;
  /** Whether a PDF is accepted besides JPEG, PNG and WebP. */
  pdf: boolean;
  /** The message key when more than `max` files come. */
  tooMany: string;
  /** Message keys for a file of another type and one over the size limit, where the form words them its own way. */
  wrongType?: string;
  tooLarge?: string;
};

export type MultipartUpload<F extends string> = {
  field: F;
  name: string;
  bytes: Uint8Array;
  type: SniffedType;
};

export const MAX_FILE_BYTES = 8 * 1024 * 1024;
/** 50 megapixels: more than any camera a seller uses, and a decode stays within a few hundred MB. */
export const MAX_IMAGE_PIXELS = 50_000_000;

/**
 * Null when the bytes are an image that decodes within the pixel limit, else the message key. The size
 * is read from the header first (a 20000×20000 PNG is refused without decoding), then the whole image is
 * decoded at a small size, so a JPEG or PNG signature followed by garbage or HTML is refused here and
 * never reaches storage or the thumbnailer.
 */
export async function imageProblem(bytes: Uint8Array): Promise<string | null> {
  const options = { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error' as const };
  const sharp = await loadSharp();
  try {
    // The header only (no decode), so an image over the limit gets its own message.
    const { width, height } = await sharp(bytes, { limitInputPixels: false }).metadata();
    if (!width || !height) return 'errors.imageUnreadable';
    if (width * height > MAX_IMAGE_PIXELS) return 'errors.imageTooManyPixels';
    await sharp(bytes, options).resize(64, 64, { fit: 'inside' }).raw().toBuffer();
    return null;
  } catch {
    return 'errors.imageUnreadable';
  }
}

/**
 * Reads a form that may carry files. Text fields come back as strings; files are read up to the size
 * limit, recognised by their bytes, and images decoded (imageProblem). What goes over a limit is drained
 * without being kept, with a message on its field: a file over the size, a file over its field's count.
 * The whole body stops being read at once, with a thrown 413, past the room for every allowed file (and
 * before that at the route's body limit in server.ts). Nothing is stored here: callers store the uploads
 * only once the whole form is valid.
 */
export async function readMultipart<F extends string>(
  request: Request,
  options: { fileFields: Record<F, FileFieldRule>; maxFileBytes?: number },
): Promise<{ fields: Record<string, string>; uploads: MultipartUpload<F>[]; errors: FieldErrors }> {
  const maxFileBytes = options.maxFileBytes ?? MAX_FILE_BYTES;
  const rules = options.fileFields;
  const names = Object.keys(rules) as F[];
  const totalFiles = names.reduce((sum, name) => sum + rules[name].max, 0);
  // Room for every allowed file plus the text fields; anything larger is refused unread, or as soon as it passes.
  const maxRequestBytes = totalFiles * maxFileBytes + 1024 * 1024;
  if (!(request.headers.get('content-type') ?? '').toLowerCase().startsWith('multipart/form-data'))
    throw refusal('errors.formType', 415);
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > maxRequestBytes) throw bodyRefusal(new BodyTooLargeError(maxRequestBytes));
  const errors: FieldErrors = {};
  const uploads: MultipartUpload<F>[] = [];
  const counts = new Map<F, number>(names.map((name) => [name, 0]));
  const isFileField = (name: string): name is F => counts.has(name as F);
  let bodyBytes = 0;

  const fileHandler = async ({
    name,
    filename,
    data,
  }: {
    name: string;
    filename?: string;
    data: AsyncIterable<Uint8Array>;
  }) => {
    if (!isFileField(name) || !filename) return undefined;
    // Past the field's count, a file is drained, not kept.
    const room = (counts.get(name) ?? 0) < rules[name].max;
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of data) {
      size += chunk.byteLength;
      bodyBytes += chunk.byteLength;
      if (bodyBytes > maxRequestBytes) throw new BodyTooLargeError(maxRequestBytes);
      if (room && size <= maxFileBytes) chunks.push(chunk);
    }
    if (size === 0) return undefined; // an empty file input
    counts.set(name, (counts.get(name) ?? 0) + 1);
    if (!room) {
      errors[name] = rules[name].tooMany;
      return undefined;
    }
    if (size > maxFileBytes) {
      errors[name] = rules[name].tooLarge ?? 'errors.fileTooLarge';
      return undefined;
    }
    const bytes = Buffer.concat(chunks);
    const type = sniffFileType(bytes);
    const allowed = type !== null && (rules[name].pdf || type !== 'application/pdf');
    if (!type || !allowed) {
      errors[name] ??= rules[name].wrongType ?? 'errors.fileType';
      return undefined;
    }
    const problem = type === 'application/pdf' ? null : await imageProblem(bytes);
    if (problem) errors[name] ??= problem;
    else uploads.push({ field: name, name: filename.slice(0, 120), bytes, type });
    return undefined;
  };

  let formData: FormData;
  try {
    formData = await parseMultipartFormData(
      request,
      composeUploadHandlers(fileHandler, createMemoryUploadHandler({ maxPartSize: 64 * 1024 })),
    );
  } catch (error) {
    // Over the body limit: 413. A text field over 64 KB, a file under another field's name, a broken body: 400.
    throw bodyRefusal(error) ?? refusal('errors.badForm');
  }
  refuseControlCharacters(formData.entries());
  const fields: Record<string, string> = {};
  for (const [key, value] of formData.entries()) if (typeof value === 'string') fields[key] = value;
  return { fields, uploads, errors };
}
