package dev.rcsd.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.rcsd.engine.model.PolicyModel;
import picocli.CommandLine.Option;

/**
 * {@code --device cpu|gpu|gpu:N}: where DJL's PyTorch runs the models (the loss kernels keep their
 * own {@code --backend}). By default DJL's choice: the first GPU where PyTorch sees one, else the
 * CPU. A GPU needs DJL's CUDA build of PyTorch on the class path (README, Backends).
 */
final class DeviceChoice {
  @Option(names = "--device", paramLabel = "cpu|gpu[:N]",
      description = "Where the models run (default: a GPU if PyTorch sees one, else the CPU).")
  String device;

  /** Selects the device for the models this process creates; refuses a GPU PyTorch does not see. */
  void apply() {
    if (device == null) {
      return;
    }
    PolicyModel.useDevice(parse(device, Engine.getInstance().getGpuCount()));
  }

  static Device parse(String spec, int gpus) {
    if (spec.equals("cpu")) {
      return Device.cpu();
    }
    if (!spec.equals("gpu") && !spec.matches("gpu:\\d+")) {
      throw new IllegalArgumentException("--device '" + spec + "' is not cpu, gpu or gpu:N");
    }
    int id = spec.equals("gpu") ? 0 : Integer.parseInt(spec.substring(4));
    if (id >= gpus) {
      throw new IllegalArgumentException("--device " + spec + ": PyTorch sees " + gpus + " GPU(s)"
          + (gpus == 0 ? " (this build is DJL's CPU PyTorch; see the README on CUDA)" : ""));
    }
    return Device.gpu(id);
  }
}
