/* `#include "sansip.h"` under -fmodules with the package's module map: clang
 * turns the include into an import of module CSansip (the test checks the
 * -Rmodule-import remark), then the program is linked with libsansip (the
 * map's `link "sansip"`) and run. */
#include <stdio.h>

#include "sansip.h"

int main(void) {
    sansip_config *cfg = NULL;
    sansip_result r = sansip_config_new((const uint8_t *)"sip:a@example.com", 17, &cfg);
    sansip_config_free(cfg);
    if (r != SANSIP_RESULT_OK || sansip_abi_version() != SANSIP_ABI_VERSION) return 1;
    printf("swift module check: ok (sansip %s)\n", sansip_version());
    return 0;
}
