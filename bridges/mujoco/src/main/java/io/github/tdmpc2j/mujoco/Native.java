package io.github.tdmpc2j.mujoco;

import io.github.tdmpc2j.mujoco.raw.global.mujoco;
import java.lang.ref.Cleaner;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;

/** Loads the natives once (from the jar, via JavaCPP's Loader) and holds small helpers. */
final class Native {
    static final String EXPECTED_VERSION = "3.17.0";
    static final Cleaner CLEANER = Cleaner.create();
    static final String VERSION;

    static {
        NativeCache.useBuildFolder();
        try {
            mujoco.tdmpc2j_install_handlers();
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new MujocoException("could not load MuJoCo's native library from the tdmpc2j-mujoco jar "
                    + "(linux-x86_64 only; needs org.bytedeco:javacpp:linux-x86_64 on the class path): " + e, e);
        }
        VERSION = text(mujoco.tdmpc2j_version_string());
        if (!VERSION.equals(EXPECTED_VERSION)) {
            throw new MujocoException("loaded MuJoCo " + VERSION + " but this binding was built for "
                    + EXPECTED_VERSION + "; another libmujoco was found first: remove it from the library path");
        }
    }

    private Native() {}

    /** Forces the static initializer. */
    static void ensureLoaded() {}

    /** The C string at p, up to its first NUL, without surrounding blanks. */
    static String text(BytePointer p) {
        if (p == null || p.isNull()) {
            return "";
        }
        String s = p.getString();
        int end = s.indexOf('\0');
        return (end >= 0 ? s.substring(0, end) : s).strip();
    }

    static String lastError() {
        return text(mujoco.tdmpc2j_last_error());
    }

    static String lastWarning() {
        return text(mujoco.tdmpc2j_last_warning());
    }

    static DoubleBuffer doubles(DoublePointer p, long length) {
        if (length == 0 || p == null || p.isNull()) {
            return DoubleBuffer.allocate(0);
        }
        return p.capacity(length).asByteBuffer().order(ByteOrder.nativeOrder()).asDoubleBuffer();
    }

    static IntBuffer ints(IntPointer p, long length) {
        if (length == 0 || p == null || p.isNull()) {
            return IntBuffer.allocate(0);
        }
        return p.capacity(length).asByteBuffer().order(ByteOrder.nativeOrder()).asIntBuffer();
    }
}
