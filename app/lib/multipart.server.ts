// Multipart forms with files: size-limited reading, files recognised by their bytes, per-field messages.
import {
  unstable_composeUploadHandlers as composeUploadHandlers,
  unstable_createMemoryUploadHandler as createMemoryUploadHandler,
  unstable_parseMultipartFormData as parseMultipartFormData,
} from '@remix-run/node';
import type { FieldErrors } from './forms.server';
import { type SniffedType, sniffFileType } from './storage.server';

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

/**
 * Reads a form that may carry files. Text fields come back as strings; files are read up to the size
 * limit (a larger one is drained and reported, never kept), then recognised by their bytes.
 */
export async function readMultipart<F extends string>(
  request: Request,
  options: { fileFields: Record<F, FileFieldRule>; maxFileBytes?: number },
): Promise<{ fields: Record<string, string>; uploads: MultipartUpload<F>[]; errors: FieldErrors }> {
  const maxFileBytes = options.maxFileBytes ?? MAX_FILE_BYTES;
  const rules = options.fileFields;
  const names = Object.keys(rules) as F[];
  const totalFiles = names.reduce((sum, name) => sum + rules[name].max, 0);
  // Room for every allowed file plus the text fields; anything declared larger is refused unread.
  const maxRequestBytes = totalFiles * maxFileBytes + 1024 * 1024;
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > maxRequestBytes) throw new Response('Request too large', { status: 413 });
  const errors: FieldErrors = {};
  const uploads: MultipartUpload<F>[] = [];
  const counts = new Map<F, number>(names.map((name) => [name, 0]));
  const isFileField = (name: string): name is F => counts.has(name as F);

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
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of data) {
      size += chunk.byteLength;
      if (size <= maxFileBytes) chunks.push(chunk);
    }
    if (size === 0) return undefined; // an empty file input
    counts.set(name, (counts.get(name) ?? 0) + 1);
    if (size > maxFileBytes) {
      errors[name] = rules[name].tooLarge ?? 'errors.fileTooLarge';
      return undefined;
    }
    const bytes = Buffer.concat(chunks);
    const type = sniffFileType(bytes);
    const allowed = type !== null && (rules[name].pdf || type !== 'application/pdf');
    if (!type || !allowed) errors[name] ??= rules[name].wrongType ?? 'errors.fileType';
    else uploads.push({ field: name, name: filename.slice(0, 120), bytes, type });
    return undefined;
  };

  let formData: FormData;
  try {
    formData = await parseMultipartFormData(
      request,
      composeUploadHandlers(fileHandler, createMemoryUploadHandler({ maxPartSize: 64 * 1024 })),
    );
  } catch {
    // A text field over 64 KB, a file under another field's name, or a body that is not multipart.
    throw new Response('Malformed form', { status: 400 });
  }
  const fields: Record<string, string> = {};
  for (const [key, value] of formData.entries()) if (typeof value === 'string') fields[key] = value;
  for (const name of names) if ((counts.get(name) ?? 0) > rules[name].max) errors[name] = rules[name].tooMany;
  return { fields, uploads, errors };
}
