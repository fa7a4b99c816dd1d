/** Something the store noticed and recovered from; the UI shows these to the user once. */
export interface StoreWarning {
  /** The file concerned. */
  file: string;
  /** "warning": data was damaged (a copy of the damaged file is kept); "info": e.g. an upgrade. */
  level: 'warning' | 'info';
  message: string;
  /** Where the untouched copy of the damaged (or pre-upgrade) file was kept. */
  backup?: string;
}
