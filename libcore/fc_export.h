/* fc_export.h - which declarations are libflowcore's ABI.
 *
 * The library is compiled with -fvisibility=hidden, so a function is
 * exported from libflowcore.so only when its declaration in an installed
 * header carries FC_API. Everything else (fc__* helpers, the allocator,
 * the look-ahead, the capture reader's internals) stays inside the
 * library, free to change without a new soname. libcore/flowcore.sym
 * lists the exported names; tests/abi-symbols.sh checks the two agree.
 *
 * FC_BUILDING_FLOWCORE is defined only while the library itself is
 * compiled (mk/libcore.am); a program including the headers sees a plain
 * declaration. */
#ifndef FC_EXPORT_H
#define FC_EXPORT_H

#if defined(FC_BUILDING_FLOWCORE) && (defined(__GNUC__) || defined(__clang__))
#define FC_API __attribute__((visibility("default")))
#else
#define FC_API
#endif

#endif
