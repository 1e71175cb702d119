import type { Linter } from 'eslint';
export declare const layers: Linter.Config[];
export declare const architecture: {
  layer: string;
  folders: string[];
  types?: string[];
  packages: string[];
  node: boolean;
  owns: string;
}[];
/** Why `spec` imported from `file` (repository-relative) breaks its layer's row; undefined when allowed. */
export declare function layerProblem(file: string, spec: string, typeOnly: boolean): string | undefined;
