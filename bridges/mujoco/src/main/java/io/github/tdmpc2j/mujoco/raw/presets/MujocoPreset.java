package io.github.tdmpc2j.mujoco.raw.presets;

import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;
import org.bytedeco.javacpp.tools.Info;
import org.bytedeco.javacpp.tools.InfoMap;
import org.bytedeco.javacpp.tools.InfoMapper;

/**
 * What JavaCPP parses at build time: MuJoCo's struct headers (mjModel, mjData, mjOption and the
 * enums) and tdmpc2j_mujoco.h, the guarded entry points. mujoco.h itself is not parsed: the safe
 * layer calls MuJoCo only through the guarded functions, so a MuJoCo error can never reach exit().
 */
@Properties(
        target = "io.github.tdmpc2j.mujoco.raw",
        global = "io.github.tdmpc2j.mujoco.raw.global.mujoco",
        value = @Platform(
                value = "linux-x86_64",
                include = {"mujoco/mjtype.h", "mujoco/mjmodel.h", "mujoco/mjdata.h", "tdmpc2j_mujoco.h"},
                link = "mujoco@.3.17.0"))
public class MujocoPreset implements InfoMapper {
    @Override
    public void map(InfoMap infoMap) {
        infoMap.put(new Info("mjUSESINGLE").define(false))
                .put(new Info("__cplusplus").define(false))
                .put(new Info("mjtNum").cast().valueTypes("double").pointerTypes("DoublePointer"))
                .put(new Info("mjtByte").cast().valueTypes("byte").pointerTypes("BytePointer"))
                .put(new Info("mjtBool").cast().valueTypes("boolean").pointerTypes("BoolPointer"))
                .put(new Info("mjtSize").cast().valueTypes("long").pointerTypes("LongPointer"))
                .put(new Info("mjModel_").pointerTypes("mjModel"))
                .put(new Info("mjData_").pointerTypes("mjData"))
                .put(new Info("mjMINVAL", "mjMAXVAL", "mjPI").translate(false))
                .put(new Info("TDMPC2J_MUJOCO_H_", "TDMPC2J_GUARDED").skip());
    }
}
