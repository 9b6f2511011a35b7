// The answers of the first API published through the data plane (`api:`): a Service, its Route and
// policy presets. The shape is checked here; Kong's own entity rules (name characters, paths, methods,
// URLs) are checked by source/kong/api-rules.ts so the message can say what Kong would say.
import * as z from 'zod';
import {envVarName, lineText, pathText} from './kube-names.js';
import {checkApiAnswers} from '../kong/api-rules.js';

const keyAuth = z
  .object({
    preset: z.literal('key-auth'),
    /** The consumer that holds the key (created with it). */
    consumer: lineText.optional(),
    /** The API key, by reference only (never in the answers): keyEnv or keyFile. */
    keyEnv: envVarName.optional(),
    keyFile: pathText.min(1).optional(),
  })
  .strict();

const rateLimiting = z
  .object({
    preset: z.literal('rate-limiting'),
    /** Requests per minute per consumer (or client IP without one); local policy on each data plane. */
    minute: z.number().int(),
  })
  .strict();

const proxyCache = z
  .object({
    preset: z.literal('proxy-cache'),
    /** Seconds a response stays in the data plane's memory cache (Kong's default 300). */
    ttl: z.number().int().optional(),
  })
  .strict();

const openidConnect = z
  .object({
    preset: z.literal('openid-connect'),
    /** e.g. a Cognito user pool: https://cognito-idp.<region>.amazonaws.com/<pool id>. Kong Enterprise. */
    issuer: lineText,
    clientId: lineText,
    /** By reference only: clientSecretEnv or clientSecretFile. */
    clientSecretEnv: envVarName.optional(),
    clientSecretFile: pathText.min(1).optional(),
  })
  .strict();

const httpLog = z
  .object({
    preset: z.literal('http-log'),
    /** An HTTP(S) endpoint that takes JSON logs, e.g. an OpenSearch ingest pipeline. */
    endpoint: lineText,
  })
  .strict();

export const apiPluginSchema = z.discriminatedUnion('preset', [
  keyAuth,
  rateLimiting,
  proxyCache,
  openidConnect,
  httpLog,
]);

export const apiAnswersSchema = z
  .object({
    service: z.object({name: z.string(), url: z.string()}).strict(),
    route: z
      .object({
        name: z.string(),
        paths: z.array(z.string()).min(1),
        hosts: z.array(z.string()).optional(),
        methods: z.array(z.string()).optional(),
      })
      .strict(),
    plugins: z.array(apiPluginSchema).optional(),
  })
  .strict()
  // Kong's entity rules, so a bad name, path or method is refused when the answers file is read,
  // naming the key and its line, before anything runs.
  .superRefine((api, ctx) => {
    for (const issue of checkApiAnswers(api)) {
      const path = issue.key
        .replace(/^api\./, '')
        .split(/\.|\[(\d+)\]/)
        .filter(p => p !== undefined && p !== '')
        .map(p => (/^\d+$/.test(p) ? Number(p) : p));
      ctx.addIssue({code: 'custom', path, message: issue.message.replace(/^[^:]+: /, '')});
    }
  });

export type ApiAnswers = z.infer<typeof apiAnswersSchema>;
export type ApiPlugin = z.infer<typeof apiPluginSchema>;
export type ApiPreset = ApiPlugin['preset'];
