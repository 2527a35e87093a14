import { z } from 'zod';

/** Correlator settings (windows, thresholds, caps). Extended by the correlator as rules need them. */
export const correlatorConfigSchema = z.object({}).strict();
export type CorrelatorConfig = z.infer<typeof correlatorConfigSchema>;
