/**
 * Row ids of a dataset's events, processes and raw blocks are `dataset * 2^32 + n`: an ingest
 * numbers its rows itself (in a worker, before any insert), and two datasets never collide.
 */
export const ID_STRIDE = 2 ** 32;

export function datasetIdBase(datasetId: number): number {
  return datasetId * ID_STRIDE;
}
