// A fake libnvidia-ml.so.1 for testing NVMLSource without a GPU.
//
// Build: cc -shared -fPIC -o <dir>/libnvidia-ml.so.1 fake_nvml.c
// Variants: -DFAKE_NO_ENERGY leaves out nvmlDeviceGetTotalEnergyConsumption (old drivers);
//           -DFAKE_V1_PROCESSES exports only the unversioned process list with 16-byte records.
//
// Devices, deterministic:
//   GPU 0 "Fake H100 80GB HBM3", GPU-11111111-2222-3333-4444-555555555555: energy counter starting at
//         1,000,000 mJ and rising by 5,000 mJ per call; power 300 W; compute PIDs 1234 and 5678.
//   GPU 1 "Fake Tesla P100", GPU-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee: energy NOT_SUPPORTED; power
//         70 W unless fake_nvml_set_power changes it; compute PID 4321; one MIG instance
//         MIG-fedcba98-7654-3210-fedc-ba9876543210 in slot 0 of 2.
// Every device function fails with NVML_ERROR_UNINITIALIZED unless nvmlInit_v2 succeeded.

#include <stddef.h>
#include <string.h>

typedef int nvmlReturn_t;
enum {
    NVML_SUCCESS = 0,
    NVML_ERROR_UNINITIALIZED = 1,
    NVML_ERROR_INVALID_ARGUMENT = 2,
    NVML_ERROR_NOT_SUPPORTED = 3,
    NVML_ERROR_NOT_FOUND = 6,
    NVML_ERROR_INSUFFICIENT_SIZE = 7,
    NVML_ERROR_DRIVER_NOT_LOADED = 9,
};

struct fake_device {
    int index;
    int mig;
};
typedef struct fake_device *nvmlDevice_t;

typedef struct {
    unsigned int pid;
    unsigned long long usedGpuMemory;
    unsigned int gpuInstanceId;
    unsigned int computeInstanceId;
} nvmlProcessInfo_t;

typedef struct {
    unsigned int pid;
    unsigned long long usedGpuMemory;
} nvmlProcessInfo_v1_t;

static struct fake_device devices[2] = {{0, 0}, {1, 0}};
static struct fake_device mig_device = {1, 1};
static const char *names[2] = {"Fake H100 80GB HBM3", "Fake Tesla P100"};
static const char *uuids[2] = {"GPU-11111111-2222-3333-4444-555555555555", "GPU-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"};
static const char *mig_uuid = "MIG-fedcba98-7654-3210-fedc-ba9876543210";
static const unsigned int pids0[] = {1234, 5678};
static const unsigned int pids1[] = {4321};

static int init_count = 0;
static int shutdown_count = 0;
static nvmlReturn_t init_result = NVML_SUCCESS;
static unsigned int power_mw[2] = {300000, 70000};

// Test hooks.
void fake_nvml_fail_init(int code) { init_result = code; }
void fake_nvml_set_power(unsigned int index, unsigned int milliwatts) { if (index < 2) power_mw[index] = milliwatts; }
int fake_nvml_init_count(void) { return init_count; }
int fake_nvml_shutdown_count(void) { return shutdown_count; }

static int live(void) { return init_count > shutdown_count; }

static int check(nvmlDevice_t device) {
    return device == &devices[0] || device == &devices[1] || device == &mig_device;
}

nvmlReturn_t nvmlInit_v2(void) {
    if (init_result != NVML_SUCCESS) return init_result;
    init_count++;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlShutdown(void) {
    if (!live()) return NVML_ERROR_UNINITIALIZED;
    shutdown_count++;
    return NVML_SUCCESS;
}

const char *nvmlErrorString(nvmlReturn_t result) {
    switch (result) {
    case NVML_SUCCESS: return "Success";
    case NVML_ERROR_UNINITIALIZED: return "Uninitialized";
    case NVML_ERROR_INVALID_ARGUMENT: return "Invalid Argument";
    case NVML_ERROR_NOT_SUPPORTED: return "Not Supported";
    case NVML_ERROR_NOT_FOUND: return "Not Found";
    case NVML_ERROR_INSUFFICIENT_SIZE: return "Insufficient Size";
    case NVML_ERROR_DRIVER_NOT_LOADED: return "Driver Not Loaded";
    default: return "Unknown Error";
    }
}

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) {
    if (!live()) return NVML_ERROR_UNINITIALIZED;
    if (!count) return NVML_ERROR_INVALID_ARGUMENT;
    *count = 2;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) {
    if (!live()) return NVML_ERROR_UNINITIALIZED;
    if (index >= 2 || !device) return NVML_ERROR_INVALID_ARGUMENT;
    *device = &devices[index];
    return NVML_SUCCESS;
}

static nvmlReturn_t copy_string(const char *value, char *buffer, unsigned int length) {
    if (!buffer) return NVML_ERROR_INVALID_ARGUMENT;
    if (strlen(value) + 1 > length) return NVML_ERROR_INSUFFICIENT_SIZE;
    strcpy(buffer, value);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length) {
    if (!live()) return NVML_ERROR_UNINITIALIZED;
    if (!check(device)) return NVML_ERROR_INVALID_ARGUMENT;
    return copy_string(device->mig ? "Fake MIG 1g.10gb" : names[device->index], name, length);
}

nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length) {
    if (!live()) return NVML_ERROR_UNINITIALIZED;
    if (!check(device)) return NVML_ERROR_INVALID_ARGUMENT;
    return copy_string(device->mig ? mig_uuid : uuids[device->index], uuid, length);
}

#ifndef FAKE_NO_ENERGY
static unsigned long long energy0 = 1000000ULL;

nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device, unsigned long long *energy) {
    if (!live()) return NVML_ERROR_UNINITIALIZED;
    if (!check(device) || device->mig || !energy) return NVML_ERROR_INVALID_ARGUMENT;
    if (device->index != 0) return NVML_ERROR_NOT_SUPPORTED;
    *energy = energy0;
    energy0 += 5000;
    return NVML_SUCCESS;
}
#endif

nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int *power) {
    if (!live()) return NVML_ERROR_UNINITIALIZED;
    if (!check(device) || device->mig || !power) return NVML_ERROR_INVALID_ARGUMENT;
    *power = power_mw[device->index];
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMaxMigDeviceCount(nvmlDevice_t device, unsigned int *count) {
    if (!live()) return NVML_ERROR_UNINITIALIZED;
    if (!check(device) || device->mig || !count) return NVML_ERROR_INVALID_ARGUMENT;
    if (device->index == 0) return NVML_ERROR_NOT_SUPPORTED;
    *count = 2;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMigDeviceHandleByIndex(nvmlDevice_t device, unsigned int index, nvmlDevice_t *mig) {
    if (!live()) return NVML_ERROR_UNINITIALIZED;
    if (!check(device) || device->mig || device->index != 1 || !mig) return NVML_ERROR_INVALID_ARGUMENT;
    if (index != 0) return NVML_ERROR_NOT_FOUND;
    *mig = &mig_device;
    return NVML_SUCCESS;
}

// Fills `infos` with the device's PIDs following NVML's protocol: with too small a buffer (or none),
// sets *count to the number needed and answers INSUFFICIENT_SIZE (SUCCESS when there are none).
static nvmlReturn_t processes(nvmlDevice_t device, unsigned int *count, void *infos, size_t stride) {
    if (!live()) return NVML_ERROR_UNINITIALIZED;
    if (!check(device) || device->mig || !count) return NVML_ERROR_INVALID_ARGUMENT;
    const unsigned int *pids = device->index == 0 ? pids0 : pids1;
    unsigned int have = device->index == 0 ? 2 : 1;
    if (!infos || *count < have) {
        *count = have;
        return have ? NVML_ERROR_INSUFFICIENT_SIZE : NVML_SUCCESS;
    }
    for (unsigned int i = 0; i < have; i++) {
        char *record = (char *)infos + i * stride;
        memset(record, 0xAB, stride);  // garbage in the other fields, to catch a wrong stride
        memcpy(record, &pids[i], sizeof(unsigned int));
    }
    *count = have;
    return NVML_SUCCESS;
}

#ifdef FAKE_V1_PROCESSES
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses(nvmlDevice_t device, unsigned int *count, nvmlProcessInfo_v1_t *infos) {
    return processes(device, count, infos, sizeof(nvmlProcessInfo_v1_t));
}
#else
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device, unsigned int *count, nvmlProcessInfo_t *infos) {
    return processes(device, count, infos, sizeof(nvmlProcessInfo_t));
}
#endif
