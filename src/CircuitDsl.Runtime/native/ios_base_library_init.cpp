// The one libstdc++ symbol that TorchSharp's glue library needs beyond what older systems ship
// (GLIBCXX_3.4.32, GCC 13). GCC 13 calls it from every translation unit that includes <iostream>;
// all it has to do is make sure the standard streams are initialised. See README.md beside this file.
#include <ios>

namespace std {
void ios_base_library_init() {
    static ios_base::Init init;
}
}
