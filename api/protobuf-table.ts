// The field-number table of the Kubernetes protobuf encoding (agent/model/schema/protobuf-v1.json, generated
// from upstream's generated.proto files and Go types by scripts/generate-protobuf.ts).
import table from '../agent/model/schema/protobuf-v1.json';

/**
 * One field: [number, JSON name ('' when its struct is inlined), type, flags]. The type is a proto scalar,
 * a message (`core.v1.PodSpec`) or `map<K,V>`; the flags say what Go's JSON does with it: `r` repeated,
 * `p` a pointer (emitted only when present), `o` omitempty (zero scalars, empty lists and maps left out), `z` omitzero (a
 * zero struct left out too), `i` inlined.
 */
export type TableField = [number, string, string, string];

export interface ProtobufTable {
  source: string;
  /** apiVersion -> the kinds decodable. */
  kinds: Record<string, string[]>;
  /** Option kinds decodable under any apiVersion (DeleteOptions) -> their message. */
  options: Record<string, string>;
  /** `package.Message` -> its fields. */
  messages: Record<string, TableField[]>;
}

export const PROTOBUF_TABLE = table as unknown as ProtobufTable;

/** The table's package of an apiVersion. */
export const PACKAGE_OF: Record<string, string> = {
  v1: 'core.v1',
  'apps/v1': 'apps.v1',
  'batch/v1': 'batch.v1',
  'autoscaling/v1': 'autoscaling.v1',
  'autoscaling/v2': 'autoscaling.v2',
  'rbac.authorization.k8s.io/v1': 'rbac.v1',
  'networking.k8s.io/v1': 'networking.v1',
  'policy/v1': 'policy.v1',
  'scheduling.k8s.io/v1': 'scheduling.v1',
  'authorization.k8s.io/v1': 'authorization.v1',
  'authentication.k8s.io/v1': 'authentication.v1',
};
