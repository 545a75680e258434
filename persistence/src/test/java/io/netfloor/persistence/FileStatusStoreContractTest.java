// SPDX-License-Identifier: Apache-2.0
package io.netfloor.persistence;

import io.netfloor.spi.StatusStore;
import io.netfloor.testkit.StatusStoreContract;
import java.nio.file.Path;

/**
 * The file store passes the store contract, with compaction forced often (tiny thresholds) so that
 * the contract also runs across snapshot rewrites.
 */
class FileStatusStoreContractTest extends StatusStoreContract {
  @Override
  protected Storage newStorage() {
    Path root = TempDirs.create();
    Path dir = root.resolve("store");
    return new Storage() {
      @Override
      public StatusStore open() {
        return FileStatusStore.open(dir, new FileStatusStore.Compaction(0, 0.01));
      }

      @Override
      public void close() {
        TempDirs.deleteRecursively(root);
      }
    };
  }
}
