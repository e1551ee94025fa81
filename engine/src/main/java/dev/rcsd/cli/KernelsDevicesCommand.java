package dev.rcsd.cli;

import dev.rcsd.io.Sizes;
import dev.rcsd.kernels.opencl.OpenClDevice;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Lists the OpenCL platforms and devices the opencl backend can choose from. */
@Command(name = "devices", mixinStandardHelpOptions = true,
    description = "List OpenCL platforms and devices (select one with opencl.platform / opencl.device).")
final class KernelsDevicesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<OpenClDevice> devices;
    try {
      devices = OpenClDevice.list();
    } catch (LinkageError | RuntimeException e) {
      throw new IllegalStateException("no OpenCL runtime: " + e.getMessage()
          + " (on a CPU: apt-get install ocl-icd-libopencl1 pocl-opencl-icd)", e);
    }
    if (devices.isEmpty()) {
      out.println("no OpenCL platform with a device");
      return 1;
    }
    int platform = -1;
    for (OpenClDevice d : devices) {
      if (d.platformIndex() != platform) {
        platform = d.platformIndex();
        out.printf("platform %d: %s (%s)%n", platform, d.platform(), d.platformVersion());
      }
      out.printf("  device %d: %s [%s] %s, %d compute units, %s memory, %s max buffer, work-group <= %d%n",
          d.deviceIndex(), d.name(), d.gpu() ? "GPU" : "other", d.version(), d.computeUnits(),
          Sizes.bytes(d.globalMemory()), Sizes.bytes(d.maxAlloc()), d.maxWorkGroup());
    }
    out.flush();
    return 0;
  }
}
