/* The CSansip module imported as a Clang module (what Swift's `import
 * CSansip` does): compiled by tests/bindings_swift.rs with
 * clang -fmodules -fmodule-map-file=Sources/CSansip/include/module.modulemap. */
@import CSansip;

int main(void) {
    sansip_config *cfg = 0;
    sansip_result r = sansip_config_new((const uint8_t *)"sip:a@example.com", 17, &cfg);
    sansip_config_free(cfg);
    return r == SANSIP_RESULT_OK && sansip_abi_version() == SANSIP_ABI_VERSION ? 0 : 1;
}
