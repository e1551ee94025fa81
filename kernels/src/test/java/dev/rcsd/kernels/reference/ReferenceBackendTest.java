package dev.rcsd.kernels.reference;

import dev.rcsd.kernels.KernelBackend;
import dev.rcsd.kernels.KernelBackendContract;

class ReferenceBackendTest extends KernelBackendContract {
  @Override
  protected KernelBackend open() {
    return new ReferenceBackend();
  }
}
