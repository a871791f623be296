import type { AuditStore } from '@grantline/lib-projections';
import type { CheckedConsumerOptions } from '@grantline/lib-runtime';

/** The part of the audit store the consumer needs: recording with positions, and reading them back. */
export type AuditPositionsStore = Pick<AuditStore, 'recordAll' | 'positions'> & {
  /** Calls back each time the connection to the store is made again after a loss, where the adapter can tell. */
  onReconnect?(listener: () => void): void;
  /** Creates what an emptied (dropped) database lacks before anything is stored again: the unique event id index. */
  prepare?(): Promise<void>;
};

export interface AuditConsumerOptions extends CheckedConsumerOptions {
  audit: AuditPositionsStore;
}
