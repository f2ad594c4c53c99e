// Validates EPCIS 2.0 documents against GS1's JSON schema (draft-07) with ajv: the tests' proof that exports conform.
import { readFileSync } from 'node:fs';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats';

/**
 * GS1's schema types ids as `format: uri`, and its own example documents use JSON-LD blank-node ids
 * (`_:document1`), which RFC 3986 does not allow; the format accepts a blank node besides a URI so
 * GS1's examples validate as GS1 intends. Nothing else is relaxed.
 */
export function epcisValidator(schemaPath: string): ValidateFunction {
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const uri = fullFormats.uri as (value: string) => boolean;
  ajv.addFormat('uri', (value: string) => /^_:[A-Za-z0-9_.-]+$/.test(value) || uri(value));
  return ajv.compile(schema);
}
