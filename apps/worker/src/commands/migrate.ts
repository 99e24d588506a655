import { createDatabase, ensureDatabaseExists, migrate } from '@medpro/db';
import type { Env } from '../env.ts';

export async function migrateCommand(env: Env): Promise<void> {
  const db = createDatabase(env.DATABASE_URL);
  try {
    await ensureDatabaseExists(db.config);
    const applied = await migrate(db.sequelize);
    console.log(
      applied.length
        ? `Migrated ${db.label}: ${applied.join(', ')}`
        : `${db.label} is up to date (nothing to migrate)`,
    );
  } finally {
    await db.close();
  }
}
