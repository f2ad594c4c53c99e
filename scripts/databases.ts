// Creating, cloning and dropping databases on a server given by its admin URL (dev launcher and tests).
import postgres from 'postgres';

export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.href;
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`unsafe database name: ${name}`);
  return `"${name}"`;
}

async function withAdmin<T>(adminUrl: string, fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export async function databaseExists(adminUrl: string, name: string): Promise<boolean> {
  return withAdmin(
    adminUrl,
    async (sql) => (await sql`select 1 from pg_database where datname = ${name}`).length > 0,
  );
}

/** Creates `name` if missing (or anew with `fresh`), optionally as a copy of `template`. */
export async function ensureDatabase(
  adminUrl: string,
  name: string,
  options: { fresh?: boolean; template?: string } = {},
): Promise<string> {
  await withAdmin(adminUrl, async (sql) => {
    if (options.fresh) await sql.unsafe(`drop database if exists ${quoteIdent(name)} with (force)`);
    const exists = (await sql`select 1 from pg_database where datname = ${name}`).length > 0;
    if (!exists) {
      const template = options.template ? ` template ${quoteIdent(options.template)}` : '';
      await sql.unsafe(`create database ${quoteIdent(name)}${template}`);
    }
  });
  return databaseUrl(adminUrl, name);
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdmin(adminUrl, (sql) => sql.unsafe(`drop database if exists ${quoteIdent(name)} with (force)`));
}
