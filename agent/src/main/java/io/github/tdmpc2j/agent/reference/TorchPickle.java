package io.github.tdmpc2j.agent.reference;

import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.agent.CheckpointException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A restricted reader of the pickle inside a {@code torch.save} archive: it understands the opcodes of pickle
 * protocols 2 to 4 that plain data needs, and builds only inert Java values. The only callables it accepts are
 * the few a state dict names ({@code torch._utils._rebuild_tensor_v2}, {@code _rebuild_parameter}, the
 * {@code torch.*Storage} types, {@code collections.OrderedDict}, {@code torch.Size}, {@code torch.device}); any
 * other global (say {@code os.system}) stops the read with an {@link UnsafeCheckpointException} before anything
 * is built from it. Nothing in the file is ever executed: this is a data parser, not an interpreter.
 *
 * <p>Values: dicts become {@link LinkedHashMap}, lists and tuples {@link List}, strings {@link String},
 * integers {@link Long}, floats {@link Double}, booleans {@link Boolean}, None {@code null}, tensors
 * {@link TorchTensor}.
 */
final class TorchPickle {
    /** The storage types torch.save names, by their pickled global, with their element type. */
    static final Map<String, TorchTensor.DType> STORAGES = Map.ofEntries(
            Map.entry("torch.FloatStorage", TorchTensor.DType.FLOAT32),
            Map.entry("torch.DoubleStorage", TorchTensor.DType.FLOAT64),
            Map.entry("torch.HalfStorage", TorchTensor.DType.FLOAT16),
            Map.entry("torch.BFloat16Storage", TorchTensor.DType.BFLOAT16),
            Map.entry("torch.LongStorage", TorchTensor.DType.INT64),
            Map.entry("torch.IntStorage", TorchTensor.DType.INT32),
            Map.entry("torch.ShortStorage", TorchTensor.DType.INT16),
            Map.entry("torch.CharStorage", TorchTensor.DType.INT8),
            Map.entry("torch.ByteStorage", TorchTensor.DType.UINT8),
            Map.entry("torch.BoolStorage", TorchTensor.DType.BOOL));
    private static final String REBUILD_TENSOR = "torch._utils._rebuild_tensor_v2";
    private static final String REBUILD_PARAMETER = "torch._utils._rebuild_parameter";
    private static final String ORDERED_DICT = "collections.OrderedDict";
    private static final String SIZE = "torch.Size";
    private static final String DEVICE = "torch.device";
    private static final Set<String> CALLABLE = Set.of(REBUILD_TENSOR, REBUILD_PARAMETER, ORDERED_DICT, SIZE, DEVICE);
    /**
     * What {@code torch.save} of a {@code TensorDict} names besides (a dataset of the reference): its class, under
     * its module's old and new names, the tensordict 0.5+ reduction that makes one from its state, the plain dict
     * of older versions' fields, and the empty set of their lock ids. Allowed only when reading data.
     */
    private static final Set<String> TENSORDICT_CLASSES = Set.of("tensordict.tensordict.TensorDict",
            "tensordict._td.TensorDict");
    private static final String MAKE_TD = "tensordict._reductions._make_td";
    private static final String STRING_ONLY_DICT = "tensordict.utils._StringOnlyDict";
    private static final Set<String> SETS = Set.of("__builtin__.set", "builtins.set");
    private static final Set<String> TENSORDICT = java.util.stream.Stream.of(TENSORDICT_CLASSES,
            Set.of(MAKE_TD, STRING_ONLY_DICT), SETS).flatMap(Set::stream).collect(java.util.stream.Collectors.toSet());

    /** A global the pickle named (only allowed ones are ever made). */
    private record Global(String name) {
    }

    /** A storage reference from a persistent id: its key in the archive's data/ folder, type and length. */
    record StorageRef(String key, TorchTensor.DType dtype, long elements) {
    }

    private static final Object MARK = new Object();

    private final ByteBuffer in;
    private final String source;
    private final Function<StorageRef, TorchTensor.Storage> storages;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    /** Whether a TensorDict may be read (a dataset), not only a state dict (a checkpoint). */
    private final boolean data;

    private TorchPickle(byte[] data, String source, Function<StorageRef, TorchTensor.Storage> storages,
            boolean tensorDicts) {
        this.in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        this.source = source;
        this.storages = storages;
        this.data = tensorDicts;
    }

    /**
     * Reads one pickle. {@code source} names it in messages; {@code storages} turns a persistent id into the
     * storage the archive holds under that key.
     */
    static Object read(byte[] data, String source, Function<StorageRef, TorchTensor.Storage> storages) {
        return new TorchPickle(data, source, storages, false).run();
    }

    /**
     * Reads one pickle that may hold, besides what {@link #read} takes, {@code TensorDict}s (as {@code torch.save}
     * of one writes them, with tensordict 0.2 to 0.8 at least), which become {@link TorchTensorDict}s.
     */
    static Object readData(byte[] data, String source, Function<StorageRef, TorchTensor.Storage> storages) {
        return new TorchPickle(data, source, storages, true).run();
    }

    private Object run() {
        try {
            while (true) {
                int op = u8();
                switch (op) {
                    case 0x80 -> u8(); // PROTO
                    case 0x95 -> in.getLong(); // FRAME: the data follows inline
                    case '.' -> { // STOP
                        if (stack.size() != 1) {
                            throw damaged("the pickle stops with " + stack.size() + " values on its stack");
                        }
                        return stack.get(0);
                    }
                    case '}' -> push(new LinkedHashMap<>()); // EMPTY_DICT
                    case ']' -> push(new ArrayList<>()); // EMPTY_LIST
                    case ')' -> push(List.of()); // EMPTY_TUPLE
                    case '(' -> { // MARK
                        marks.add(stack.size());
                        push(MARK);
                    }
                    case 't' -> push(java.util.Collections.unmodifiableList(popMark())); // TUPLE (None too)
                    case 0x85 -> push(tuple(1));
                    case 0x86 -> push(tuple(2));
                    case 0x87 -> push(tuple(3));
                    case 'l' -> push(new ArrayList<>(popMark())); // LIST
                    case 'd' -> push(dict(popMark())); // DICT
                    case 'N' -> push(null);
                    case 0x88 -> push(Boolean.TRUE);
                    case 0x89 -> push(Boolean.FALSE);
                    case 'J' -> push((long) in.getInt()); // BININT
                    case 'K' -> push((long) u8()); // BININT1
                    case 'M' -> push((long) (in.getShort() & 0xffff)); // BININT2
                    case 0x8a -> push(long1(u8())); // LONG1
                    case 'G' -> push(Double.longBitsToDouble(Long.reverseBytes(in.getLong()))); // BINFLOAT, big-endian
                    case 'X' -> push(text(in.getInt())); // BINUNICODE
                    case 0x8c -> push(text(u8())); // SHORT_BINUNICODE
                    case 'T' -> push(text(in.getInt())); // BINSTRING
                    case 'U' -> push(text(u8())); // SHORT_BINSTRING
                    case 'C' -> push(bytes(u8())); // SHORT_BINBYTES
                    case 'B' -> push(bytes(in.getInt())); // BINBYTES
                    case 'q' -> memo.put((long) u8(), peek()); // BINPUT
                    case 'r' -> memo.put(in.getInt() & 0xffffffffL, peek()); // LONG_BINPUT
                    case 0x94 -> memo.put((long) memo.size(), peek()); // MEMOIZE
                    case 'h' -> push(memo((long) u8())); // BINGET
                    case 'j' -> push(memo(in.getInt() & 0xffffffffL)); // LONG_BINGET
                    case 'c' -> push(global(line() + "." + line())); // GLOBAL
                    case 0x93 -> { // STACK_GLOBAL
                        Object name = pop();
                        Object module = pop();
                        push(global(module + "." + name));
                    }
                    case 's' -> { // SETITEM
                        Object value = pop();
                        Object key = key(pop());
                        asDict(peek()).put(key, value);
                    }
                    case 'u' -> { // SETITEMS
                        List<Object> items = popMark();
                        Map<Object, Object> d = asDict(peek());
                        for (int i = 0; i + 1 < items.size(); i += 2) {
                            d.put(key(items.get(i)), items.get(i + 1));
                        }
                    }
                    case 'a' -> { // APPEND
                        Object value = pop();
                        asList(peek()).add(value);
                    }
                    case 'e' -> { // APPENDS
                        List<Object> items = popMark();
                        asList(peek()).addAll(items);
                    }
                    case 'R' -> { // REDUCE
                        Object arguments = pop();
                        push(call(pop(), arguments));
                    }
                    case 'b' -> { // BUILD: a TensorDict's state; otherwise OrderedDict's _metadata, left out
                        Object state = pop();
                        if (peek() instanceof TorchTensorDict td) {
                            td.build(state, source);
                        }
                    }
                    case 0x81 -> { // NEWOBJ: only of a TensorDict and its dict of fields, when reading data
                        Object arguments = pop();
                        push(newObject(pop(), arguments));
                    }
                    case 'Q' -> push(persistent(pop())); // BINPERSID
                    case '0' -> pop(); // POP
                    case '1' -> popMark(); // POP_MARK
                    case '2' -> push(peek()); // DUP
                    default -> throw refused("the pickle opcode 0x" + Integer.toHexString(op) + " ('"
                            + printable(op) + "'), which a state dict does not use");
                }
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw damaged("the pickle ends early (at byte " + in.position() + " of " + in.limit()
                    + "); the file is truncated or damaged: download it again");
        } catch (ClassCastException | IndexOutOfBoundsException | NullPointerException | ArithmeticException
                | IllegalArgumentException e) {
            // values of the wrong kind where a state dict has others: a damaged or foreign file, never a bug to show
            throw damaged("the pickle holds values a state dict does not (" + e.getClass().getSimpleName()
                    + " at byte " + in.position() + "); the file is damaged or not a TD-MPC2 checkpoint");
        }
    }

    /**
     * A dict key as a state dict has them (names; numbers, booleans and None are harmless): a key that is a list,
     * tuple or dict is refused, as hashing one that contains itself, or is nested a million deep, would overflow
     * the stack.
     */
    private Object key(Object k) {
        if (k == null || k instanceof String || k instanceof Long || k instanceof Double || k instanceof Boolean) {
            return k;
        }
        throw damaged("a dict key that is " + describe(k) + "; the keys of a state dict are names, so the file is "
                + "damaged or not a TD-MPC2 checkpoint");
    }

    private Object global(String name) {
        if (!data && TENSORDICT.contains(name)) {
            throw damaged("it holds a TensorDict, not a model's state dict: a dataset chunk of the reference "
                    + "(chunk_0.pt, say) is imported with `tdmpc2j import-data`, a checkpoint with `tdmpc2j import`");
        }
        if (!CALLABLE.contains(name) && !STORAGES.containsKey(name) && !(data && TENSORDICT.contains(name))) {
            throw refused("the global " + name + ", which " + (data ? "a TensorDict of tensors" : "a state dict")
                    + " never names");
        }
        return new Global(name);
    }

    /** {@code cls.__new__(cls)} of the classes a TensorDict's pickle makes so (nothing of theirs is run). */
    private Object newObject(Object cls, Object arguments) {
        if (cls instanceof Global g && arguments instanceof List<?> args && args.isEmpty()) {
            if (TENSORDICT_CLASSES.contains(g.name)) {
                return new TorchTensorDict();
            }
            if (g.name.equals(STRING_ONLY_DICT)) {
                return new LinkedHashMap<>();
            }
        }
        throw refused("an object of " + describe(cls) + " made with " + describe(arguments));
    }

    private Object call(Object callable, Object arguments) {
        if (!(callable instanceof Global g) || !(arguments instanceof List<?> args)) {
            throw refused("a call of " + describe(callable) + ", which a state dict does not make");
        }
        switch (g.name) {
            case ORDERED_DICT -> {
                if (!args.isEmpty()) {
                    throw refused("collections.OrderedDict called with arguments");
                }
                return new LinkedHashMap<>();
            }
            case SIZE -> {
                if (args.isEmpty()) {
                    return List.of();
                }
                return List.copyOf(java.util.stream.LongStream.of(longs(args.get(0))).boxed().toList());
            }
            case DEVICE -> {
                // torch.device("cuda", 0): a type and an index, never containers (which could hold themselves)
                return args.stream().map(a -> a instanceof String || a instanceof Long ? String.valueOf(a)
                        : describe(a)).reduce((a, b) -> a + ":" + b).orElse("");
            }
            case MAKE_TD -> { // _make_td(TensorDict, state): a TensorDict with that state
                if (args.size() != 2 || !(args.get(0) instanceof Global cls)
                        || !TENSORDICT_CLASSES.contains(cls.name)) {
                    throw refused("tensordict._reductions._make_td of " + describe(args.isEmpty() ? null
                            : args.get(0)) + ", not of a TensorDict");
                }
                TorchTensorDict td = new TorchTensorDict();
                td.build(args.get(1), source);
                return td;
            }
            case "__builtin__.set", "builtins.set" -> { // a TensorDict's (empty) set of lock ids
                if (args.size() > 1 || (args.size() == 1 && !(args.get(0) instanceof List<?>))) {
                    throw refused("set() of " + describe(args.isEmpty() ? null : args.get(0)));
                }
                return new ArrayList<>();
            }
            case REBUILD_PARAMETER -> {
                if (args.isEmpty()) {
                    throw damaged("torch._utils._rebuild_parameter got no arguments; this is not a torch.save "
                            + "state dict");
                }
                return args.get(0);
            }
            case REBUILD_TENSOR -> {
                if (args.size() < 4 || !(args.get(0) instanceof TorchTensor.Storage storage)) {
                    throw damaged("torch._utils._rebuild_tensor_v2 got " + Messages.plural(args.size(), "argument")
                            + " or no storage; this is not a torch.save state dict");
                }
                return new TorchTensor(storage, asLong(args.get(1)), longs(args.get(2)), longs(args.get(3)));
            }
            default -> throw refused("a call of " + g.name);
        }
    }

    private Object persistent(Object pid) {
        if (!(pid instanceof List<?> t) || t.size() < 5 || !"storage".equals(t.get(0))
                || !(t.get(1) instanceof Global type) || !STORAGES.containsKey(type.name)) {
            throw refused("a persistent id " + describe(pid) + " that is not a tensor storage");
        }
        if (!(t.get(2) instanceof String key) || key.isEmpty() || key.length() > 64) {
            throw damaged("a storage named " + describe(t.get(2)) + "; torch.save names its storages by short keys");
        }
        long elements = asLong(t.get(4));
        if (elements < 0) {
            throw damaged("a storage of " + elements + " elements; the file is damaged");
        }
        return storages.apply(new StorageRef(key, STORAGES.get(type.name), elements));
    }

    private UnsafeCheckpointException refused(String what) {
        return new UnsafeCheckpointException(source + " asks, in its pickle, for " + what + "; it was refused "
                + "and nothing from the file was run. " + (data ? "A TD-MPC2 dataset chunk holds only a TensorDict "
                + "of tensors: if you trust this file, re-save its tensors as a plain dict with PyTorch (td = "
                + "torch.load(f, weights_only=False); torch.save({k: v.contiguous() for k, v in td.items()}, "
                + "copy)) and import that copy" : "A TD-MPC2 checkpoint holds only tensors: if you trust this "
                + "file, re-save its state dict with PyTorch (torch.load(f, weights_only=True), then torch.save) "
                + "and import that copy"));
    }

    private CheckpointException damaged(String what) {
        return new CheckpointException(source + ": " + what);
    }

    private long[] longs(Object o) {
        if (!(o instanceof List<?> l)) {
            throw damaged("a tensor's size or stride is not a tuple but " + describe(o) + "; the file is damaged");
        }
        long[] out = new long[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = asLong(l.get(i));
        }
        return out;
    }

    private long asLong(Object o) {
        if (!(o instanceof Long v)) {
            throw damaged("an integer was expected in the pickle, found " + describe(o) + "; the file is damaged");
        }
        return v;
    }

    /**
     * What a value is, for messages, without looking inside containers: a list may contain itself, or be nested
     * deeper than the stack, and printing it would never end.
     */
    static String describe(Object o) {
        if (o instanceof Global g) {
            return g.name;
        }
        if (o instanceof List<?> l) {
            return "a list or tuple of " + Messages.plural(l.size(), "item");
        }
        if (o instanceof Map<?, ?> m) {
            return "a dict of " + Messages.plural(m.size(), "entry", "entries");
        }
        if (o instanceof String s) {
            return "'" + (s.length() > 80 ? s.substring(0, 80) + "..." : s) + "'";
        }
        if (o instanceof TorchTensorDict) {
            return "a TensorDict";
        }
        if (o instanceof byte[] b) {
            return b.length + " bytes";
        }
        return o == MARK ? "a mark" : String.valueOf(o); // a number, a boolean, None, a tensor or a storage
    }

    private static char printable(int op) {
        return op >= 32 && op < 127 ? (char) op : '?';
    }

    private List<Object> tuple(int n) {
        Object[] items = new Object[n];
        for (int i = n - 1; i >= 0; i--) {
            items[i] = pop();
        }
        return java.util.Collections.unmodifiableList(Arrays.asList(items));
    }

    private Map<Object, Object> dict(List<Object> items) {
        Map<Object, Object> d = new LinkedHashMap<>();
        for (int i = 0; i + 1 < items.size(); i += 2) {
            d.put(items.get(i), items.get(i + 1));
        }
        return d;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> asDict(Object o) {
        if (!(o instanceof LinkedHashMap<?, ?> m)) {
            throw damaged("a dict operation on " + describe(o));
        }
        return (Map<Object, Object>) m;
    }

    @SuppressWarnings("unchecked")
    private List<Object> asList(Object o) {
        if (!(o instanceof ArrayList<?> l)) {
            throw damaged("a list operation on " + describe(o));
        }
        return (List<Object>) l;
    }

    private Object memo(long key) {
        if (!memo.containsKey(key)) {
            throw damaged("the pickle refers to memo entry " + key + ", which it never stored");
        }
        return memo.get(key);
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) {
            throw damaged("the pickle closes a mark it never opened");
        }
        int at = marks.remove(marks.size() - 1);
        List<Object> items = new ArrayList<>(stack.subList(at + 1, stack.size()));
        stack.subList(at, stack.size()).clear();
        return items;
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() {
        if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) {
            throw damaged("the pickle takes a value from an empty stack");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() {
        if (stack.isEmpty()) {
            throw damaged("the pickle reads an empty stack");
        }
        return stack.get(stack.size() - 1);
    }

    private int u8() {
        return in.get() & 0xff;
    }

    private long long1(int n) {
        if (n > 8) {
            throw damaged("an integer of " + n + " bytes, too large for a state dict");
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (long) u8() << (8 * i);
        }
        if (n > 0 && n < 8 && (v >>> (8 * n - 1) & 1) == 1) {
            v -= 1L << (8 * n); // two's complement of n bytes
        }
        return v;
    }

    private String text(int n) {
        return new String(bytes(n), StandardCharsets.UTF_8);
    }

    private byte[] bytes(int n) {
        if (n < 0 || n > in.remaining()) {
            throw new java.nio.BufferUnderflowException();
        }
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    private String line() {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = u8()) != '\n') {
            sb.append((char) c);
            if (sb.length() > 200) {
                throw damaged("a global name longer than 200 characters");
            }
        }
        return sb.toString();
    }
}
