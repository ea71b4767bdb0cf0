/** A broken configuration file (of a VM or a virtual switch) found when the inventory was loaded, or a switch that did not come up. */
export interface InventoryProblem {
  readonly file: string;
  readonly field: string;
  readonly problem: string;
}
