// Entry points of the tdmpc2j binding that turn MuJoCo's fatal errors into return codes.
//
// mju_error() normally prints and calls exit(). The handler installed by tdmpc2j_install_handlers()
// instead copies the message into a thread-local buffer and longjmp()s back into the guarded call
// below that is running on the same thread, which then returns TDMPC2J_ERROR. Only MuJoCo's C
// frames lie between the setjmp and the longjmp, so no C++ destructor is skipped.
//
// JavaCPP parses this file; the definitions live in tdmpc2j_mujoco_impl.h, which only the C++
// compiler reads.
#ifndef TDMPC2J_MUJOCO_H_
#define TDMPC2J_MUJOCO_H_

#include <mujoco/mujoco.h>

#define TDMPC2J_ERROR (-1)

// Installs the error and warning handlers once per process; returns mj_version().
int tdmpc2j_install_handlers();

// Loads a model from an MJCF/URDF file, or from XML text (assets resolve against the working
// directory); null on failure, with MuJoCo's message in error.
mjModel* tdmpc2j_load_xml_file(const char* path, char* error, int error_size);
mjModel* tdmpc2j_load_xml_string(const char* xml, char* error, int error_size);

// null on failure, message in tdmpc2j_last_error()
mjData* tdmpc2j_make_data(const mjModel* m);

void tdmpc2j_delete_model(mjModel* m);
void tdmpc2j_delete_data(mjData* d);

// Each returns TDMPC2J_ERROR when MuJoCo raised an error (message in tdmpc2j_last_error()),
// otherwise the bit set (1 << mjtWarning) of warnings whose counters grew during the call.
int tdmpc2j_step(const mjModel* m, mjData* d, int n);
int tdmpc2j_step1(const mjModel* m, mjData* d);
int tdmpc2j_step2(const mjModel* m, mjData* d);
int tdmpc2j_forward(const mjModel* m, mjData* d);
int tdmpc2j_reset_data(const mjModel* m, mjData* d);
// mj_resetDataKeyframe; key must be in [0, nkey).
int tdmpc2j_reset_data_keyframe(const mjModel* m, mjData* d, int key);
// mj_kinematics: body, geom and site poses from qpos only.
int tdmpc2j_kinematics(const mjModel* m, mjData* d);
// mj_setConst: recomputes the model's derived constants after its fields were edited.
int tdmpc2j_set_const(mjModel* m, mjData* d);
// mj_contactForce: force of contact id in its contact frame (normal, tangent, tangent, torques) into result[6].
int tdmpc2j_contact_force(const mjModel* m, const mjData* d, int id, mjtNum* result);

// mj_name2id; -1 when absent or when type is not a valid mjtObj.
int tdmpc2j_name2id(const mjModel* m, int type, const char* name);
// mj_id2name; null when absent.
const char* tdmpc2j_id2name(const mjModel* m, int type, int id);

// Copies the mjNWARNING warning counters of d into counts.
void tdmpc2j_warning_counts(const mjData* d, int* counts);
void tdmpc2j_clear_warnings(mjData* d);

// The last error / warning text seen on the calling thread ("" if none).
const char* tdmpc2j_last_error();
const char* tdmpc2j_last_warning();

const char* tdmpc2j_version_string();

#include "tdmpc2j_mujoco_impl.h"

#endif  // TDMPC2J_MUJOCO_H_
