// Definitions for tdmpc2j_mujoco.h; compiled into the JNI library, never parsed by JavaCPP.
#ifndef TDMPC2J_MUJOCO_IMPL_H_
#define TDMPC2J_MUJOCO_IMPL_H_

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

static thread_local jmp_buf* tdmpc2j_active_guard = NULL;
static thread_local char tdmpc2j_error_text[1024] = "";
static thread_local char tdmpc2j_warning_text[1024] = "";

static void tdmpc2j_on_error(const char* message) {
  snprintf(tdmpc2j_error_text, sizeof(tdmpc2j_error_text), "%s", message ? message : "");
  if (tdmpc2j_active_guard != NULL) {
    jmp_buf* guard = tdmpc2j_active_guard;
    tdmpc2j_active_guard = NULL;
    longjmp(*guard, 1);
  }
  // An error outside any guarded call (raw binding used directly): MuJoCo expects no return, and
  // returning would continue on corrupt state, so fail the way MuJoCo would, but say why.
  fprintf(stderr, "MuJoCo error outside a guarded tdmpc2j call, aborting: %s\n", tdmpc2j_error_text);
  abort();
}

static void tdmpc2j_on_warning(const char* message) {
  snprintf(tdmpc2j_warning_text, sizeof(tdmpc2j_warning_text), "%s", message ? message : "");
}

int tdmpc2j_install_handlers() {
  mju_user_error = tdmpc2j_on_error;
  mju_user_warning = tdmpc2j_on_warning;
  return mj_version();
}

static int tdmpc2j_warning_total(const mjData* d, int* counts) {
  for (int i = 0; i < mjNWARNING; i++) {
    counts[i] = d->warning[i].number;
  }
  return 0;
}

static int tdmpc2j_grown_warnings(const mjData* d, const int* before) {
  int grown = 0;
  for (int i = 0; i < mjNWARNING; i++) {
    if (d->warning[i].number > before[i]) {
      grown |= 1 << i;
    }
  }
  return grown;
}

// Runs body with the error guard; evaluates to TDMPC2J_ERROR or the grown-warning bit set.
#define TDMPC2J_GUARDED(d, body)                         \
  do {                                                   \
    int before[mjNWARNING];                              \
    tdmpc2j_warning_total(d, before);                    \
    jmp_buf guard;                                       \
    jmp_buf* outer = tdmpc2j_active_guard;               \
    if (setjmp(guard) != 0) {                            \
      tdmpc2j_active_guard = outer;                      \
      return TDMPC2J_ERROR;                              \
    }                                                    \
    tdmpc2j_active_guard = &guard;                       \
    body;                                                \
    tdmpc2j_active_guard = outer;                        \
    return tdmpc2j_grown_warnings(d, before);            \
  } while (0)

int tdmpc2j_step(const mjModel* m, mjData* d, int n) {
  TDMPC2J_GUARDED(d, for (int i = 0; i < n; i++) mj_step(m, d));
}

int tdmpc2j_step1(const mjModel* m, mjData* d) { TDMPC2J_GUARDED(d, mj_step1(m, d)); }
int tdmpc2j_step2(const mjModel* m, mjData* d) { TDMPC2J_GUARDED(d, mj_step2(m, d)); }
int tdmpc2j_forward(const mjModel* m, mjData* d) { TDMPC2J_GUARDED(d, mj_forward(m, d)); }
int tdmpc2j_reset_data(const mjModel* m, mjData* d) { TDMPC2J_GUARDED(d, mj_resetData(m, d)); }
int tdmpc2j_reset_data_keyframe(const mjModel* m, mjData* d, int key) {
  TDMPC2J_GUARDED(d, mj_resetDataKeyframe(m, d, key));
}
int tdmpc2j_kinematics(const mjModel* m, mjData* d) { TDMPC2J_GUARDED(d, mj_kinematics(m, d)); }
int tdmpc2j_set_const(mjModel* m, mjData* d) { TDMPC2J_GUARDED(d, mj_setConst(m, d)); }
int tdmpc2j_contact_force(const mjModel* m, const mjData* d, int id, mjtNum* result) {
  TDMPC2J_GUARDED(d, mj_contactForce(m, d, id, result));
}

mjData* tdmpc2j_make_data(const mjModel* m) {
  jmp_buf guard;
  jmp_buf* outer = tdmpc2j_active_guard;
  if (setjmp(guard) != 0) {
    tdmpc2j_active_guard = outer;
    return NULL;
  }
  tdmpc2j_active_guard = &guard;
  mjData* d = mj_makeData(m);
  tdmpc2j_active_guard = outer;
  return d;
}

void tdmpc2j_delete_model(mjModel* m) { mj_deleteModel(m); }
void tdmpc2j_delete_data(mjData* d) { mj_deleteData(d); }

static mjModel* tdmpc2j_load(const char* path, const mjVFS* vfs, char* error, int error_size) {
  jmp_buf guard;
  jmp_buf* outer = tdmpc2j_active_guard;
  if (setjmp(guard) != 0) {
    tdmpc2j_active_guard = outer;
    snprintf(error, error_size, "%s", tdmpc2j_error_text);
    return NULL;
  }
  tdmpc2j_active_guard = &guard;
  mjModel* m = mj_loadXML(path, vfs, error, error_size);
  tdmpc2j_active_guard = outer;
  return m;
}

mjModel* tdmpc2j_load_xml_file(const char* path, char* error, int error_size) {
  error[0] = '\0';
  return tdmpc2j_load(path, NULL, error, error_size);
}

mjModel* tdmpc2j_load_xml_string(const char* xml, char* error, int error_size) {
  static const char* name = "tdmpc2j_model_from_string.xml";
  error[0] = '\0';
  mjVFS vfs;
  mj_defaultVFS(&vfs);
  if (mj_addBufferVFS(&vfs, name, xml, (int)strlen(xml)) != 0) {
    snprintf(error, error_size, "could not put the XML text into MuJoCo's virtual file system");
    mj_deleteVFS(&vfs);
    return NULL;
  }
  mjModel* m = tdmpc2j_load(name, &vfs, error, error_size);
  mj_deleteVFS(&vfs);
  return m;
}

int tdmpc2j_name2id(const mjModel* m, int type, const char* name) {
  if (type < 0 || type >= mjNOBJECT) {
    return -1;
  }
  return mj_name2id(m, type, name);
}

const char* tdmpc2j_id2name(const mjModel* m, int type, int id) {
  if (type < 0 || type >= mjNOBJECT) {
    return NULL;
  }
  return mj_id2name(m, type, id);
}

void tdmpc2j_warning_counts(const mjData* d, int* counts) { tdmpc2j_warning_total(d, counts); }

void tdmpc2j_clear_warnings(mjData* d) {
  for (int i = 0; i < mjNWARNING; i++) {
    d->warning[i].number = 0;
    d->warning[i].lastinfo = 0;
  }
}

const char* tdmpc2j_last_error() { return tdmpc2j_error_text; }
const char* tdmpc2j_last_warning() { return tdmpc2j_warning_text; }
const char* tdmpc2j_version_string() { return mj_versionString(); }

#endif  // TDMPC2J_MUJOCO_IMPL_H_
