/* The sizes and offsets of the C ABI's structs, printed in the format
 * Loopback.cs prints its marshalled ones: tests/bindings_csharp.rs compares
 * the two lines. */
#include <stddef.h>
#include <stdio.h>

#include "sansip.h"

#define SIZE(t) printf(" " #t "=%zu", sizeof(t))
#define OFF(t, f) printf(" " #t "." #f "=%zu", offsetof(t, f))

int main(void) {
    printf("layout");
    SIZE(sansip_addr);
    OFF(sansip_addr, port);
    SIZE(sansip_header);
    SIZE(sansip_str);
    SIZE(sansip_presence);
    OFF(sansip_presence, note);
    OFF(sansip_presence, contact_len);
    SIZE(sansip_dns_record);
    OFF(sansip_dns_record, addr);
    OFF(sansip_dns_record, transport);
    OFF(sansip_dns_record, target_len);
    SIZE(sansip_output);
    OFF(sansip_output, has_flow);
    OFF(sansip_output, flow_id);
    OFF(sansip_output, local);
    OFF(sansip_output, remote);
    OFF(sansip_output, data);
    OFF(sansip_output, query_id);
    OFF(sansip_output, record_type);
    OFF(sansip_output, timeout_us);
    printf("\n");
    return 0;
}
