// The named stages of a build, apart from pipeline.ts so what only parses (parse-files.ts) loads none of it.

export type PipelineStage = 'parse' | 'terms' | 'dedup' | 'themes' | 'summaries';
export type StageRunner = <T>(stage: PipelineStage, run: () => T) => T;

export const runDirectly: StageRunner = (_stage, run) => run();
