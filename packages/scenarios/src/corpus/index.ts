/** The regression corpus: saved failures that every `dsim run` replays first and that must pass. */
export type { CorpusEntry } from "./corpus-entry.js";
export { corpusEntryOf, corpusFileName, parseCorpusEntry } from "./corpus-entry.js";
export type { StoredCorpusEntry } from "./corpus-store.js";
export { corpusFiles, DEFAULT_CORPUS_DIR, loadCorpus, saveCorpusEntry } from "./corpus-store.js";
export { corpusRowName, replayCorpus, replayCorpusEntry } from "./replay-corpus.js";
