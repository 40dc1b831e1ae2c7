package io.github.tdmpc2j.agent.reference;

import io.github.tdmpc2j.spi.agent.CheckpointException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code TensorDict} as {@code torch.save} pickles one (the reference's dataset chunks): its fields by name
 * (tensors, or TensorDicts for nested keys) and its batch size, from the state the pickle gives it; the rest of
 * that state (device, locks, dimension names) is not kept. Nothing of tensordict's own code is involved.
 */
public final class TorchTensorDict {
    private Map<String, Object> fields;
    private List<Long> batchSize;

    TorchTensorDict() {
    }

    /** Takes the pickled state: {@code _tensordict} (name to value) and {@code _batch_size} (a torch.Size). */
    void build(Object state, String source) {
        if (fields != null) {
            throw new CheckpointException(source + ": a TensorDict given its state twice; the file is damaged");
        }
        if (!(state instanceof Map<?, ?> m) || !(m.get("_tensordict") instanceof Map<?, ?> values)
                || !(m.get("_batch_size") instanceof List<?> size)) {
            throw new CheckpointException(source + ": a TensorDict whose state has no fields (_tensordict) or no "
                    + "batch size (_batch_size); the file is damaged or was saved by a tensordict this reader does "
                    + "not know");
        }
        Map<String, Object> f = new LinkedHashMap<>();
        values.forEach((k, v) -> f.put(String.valueOf(k), v));
        List<Long> b = new java.util.ArrayList<>();
        for (Object d : size) {
            if (!(d instanceof Long n)) {
                throw new CheckpointException(source + ": a TensorDict whose batch size is not a list of integers; "
                        + "the file is damaged");
            }
            b.add(n);
        }
        fields = Collections.unmodifiableMap(f);
        batchSize = List.copyOf(b);
    }

    /** The fields by name, in the pickle's order; empty for one never given its state. */
    public Map<String, Object> fields() {
        return fields == null ? Map.of() : fields;
    }

    /** The batch size (the leading dimensions every field shares); empty for one never given its state. */
    public List<Long> batchSize() {
        return batchSize == null ? List.of() : batchSize;
    }
}
