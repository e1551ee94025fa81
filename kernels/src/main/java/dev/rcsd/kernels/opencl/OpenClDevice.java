package dev.rcsd.kernels.opencl;

import static org.jocl.CL.CL_DEVICE_GLOBAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_COMPUTE_UNITS;
import static org.jocl.CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_WORK_GROUP_SIZE;
import static org.jocl.CL.CL_DEVICE_NAME;
import static org.jocl.CL.CL_DEVICE_TYPE;
import static org.jocl.CL.CL_DEVICE_TYPE_ALL;
import static org.jocl.CL.CL_DEVICE_TYPE_GPU;
import static org.jocl.CL.CL_DEVICE_VERSION;
import static org.jocl.CL.CL_PLATFORM_NAME;
import static org.jocl.CL.CL_PLATFORM_VERSION;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/** An OpenCL device as the ICD loader reports it, with what the backend needs to know about it. */
public record OpenClDevice(
    int platformIndex,
    String platform,
    String platformVersion,
    int deviceIndex,
    String name,
    boolean gpu,
    String version,
    int computeUnits,
    long globalMemory,
    long maxAlloc,
    long maxWorkGroup,
    cl_platform_id platformId,
    cl_device_id id) {

  /** Every device of every platform; throws when the OpenCL runtime itself cannot be loaded. */
  public static List<OpenClDevice> list() {
    CL.setExceptionsEnabled(true);
    int[] count = new int[1];
    CL.clGetPlatformIDs(0, null, count);
    cl_platform_id[] platforms = new cl_platform_id[count[0]];
    CL.clGetPlatformIDs(platforms.length, platforms, null);
    List<OpenClDevice> all = new ArrayList<>();
    for (int p = 0; p < platforms.length; p++) {
      int[] n = new int[1];
      try {
        CL.clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, 0, null, n);
      } catch (org.jocl.CLException e) {
        continue; // CL_DEVICE_NOT_FOUND: a platform without devices
      }
      cl_device_id[] devices = new cl_device_id[n[0]];
      CL.clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, devices.length, devices, null);
      for (int d = 0; d < devices.length; d++) {
        cl_device_id id = devices[d];
        all.add(new OpenClDevice(p, platformString(platforms[p], CL_PLATFORM_NAME),
            platformString(platforms[p], CL_PLATFORM_VERSION), d, deviceString(id, CL_DEVICE_NAME),
            (deviceLong(id, CL_DEVICE_TYPE) & CL_DEVICE_TYPE_GPU) != 0, deviceString(id, CL_DEVICE_VERSION),
            (int) deviceInt(id, CL_DEVICE_MAX_COMPUTE_UNITS), deviceLong(id, CL_DEVICE_GLOBAL_MEM_SIZE),
            deviceLong(id, CL_DEVICE_MAX_MEM_ALLOC_SIZE), deviceSize(id, CL_DEVICE_MAX_WORK_GROUP_SIZE),
            platforms[p], id));
      }
    }
    return all;
  }

  /**
   * The device named by {@code platform} and {@code device} (an index, or a case-insensitive
   * substring of the name; empty for any): the first GPU when nothing is named, else the first
   * device.
   */
  public static OpenClDevice select(List<OpenClDevice> all, String platform, String device) {
    List<OpenClDevice> candidates = all.stream()
        .filter(d -> matches(platform, d.platformIndex(), d.platform()))
        .filter(d -> matches(device, d.deviceIndex(), d.name()))
        .toList();
    if (candidates.isEmpty()) {
      throw new IllegalStateException("no OpenCL device matches platform '" + platform + "', device '" + device
          + "'; see 'rcsd kernels devices'");
    }
    return candidates.stream().filter(OpenClDevice::gpu).findFirst().orElse(candidates.get(0));
  }

  private static boolean matches(String wanted, int index, String name) {
    if (wanted == null || wanted.isBlank()) {
      return true;
    }
    String w = wanted.trim();
    if (w.chars().allMatch(Character::isDigit)) {
      return Integer.parseInt(w) == index;
    }
    return name.toLowerCase(Locale.ROOT).contains(w.toLowerCase(Locale.ROOT));
  }

  @Override
  public String toString() {
    return name + " (" + platform + ", " + version + ")";
  }

  private static String platformString(cl_platform_id p, int param) {
    long[] size = new long[1];
    CL.clGetPlatformInfo(p, param, 0, null, size);
    byte[] buf = new byte[(int) size[0]];
    CL.clGetPlatformInfo(p, param, buf.length, Pointer.to(buf), null);
    return new String(buf, 0, Math.max(0, buf.length - 1), java.nio.charset.StandardCharsets.UTF_8).trim();
  }

  private static String deviceString(cl_device_id d, int param) {
    long[] size = new long[1];
    CL.clGetDeviceInfo(d, param, 0, null, size);
    byte[] buf = new byte[(int) size[0]];
    CL.clGetDeviceInfo(d, param, buf.length, Pointer.to(buf), null);
    return new String(buf, 0, Math.max(0, buf.length - 1), java.nio.charset.StandardCharsets.UTF_8).trim();
  }

  private static long deviceLong(cl_device_id d, int param) {
    long[] v = new long[1];
    CL.clGetDeviceInfo(d, param, Sizeof.cl_long, Pointer.to(v), null);
    return v[0];
  }

  private static long deviceInt(cl_device_id d, int param) {
    int[] v = new int[1];
    CL.clGetDeviceInfo(d, param, Sizeof.cl_int, Pointer.to(v), null);
    return v[0];
  }

  private static long deviceSize(cl_device_id d, int param) {
    long[] v = new long[1];
    CL.clGetDeviceInfo(d, param, Sizeof.size_t, Pointer.to(v), null);
    return v[0];
  }
}
