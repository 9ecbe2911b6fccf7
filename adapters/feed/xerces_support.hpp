#pragma once
// Process-wide Xerces-C set-up shared by every XML reader in adapters/:
// one Initialize/Terminate, UTF-16 -> UTF-8, and a resolver that refuses
// every external entity, DTD or schema (nothing is ever fetched or opened).
#include <xercesc/sax/EntityResolver.hpp>
#include <xercesc/sax/InputSource.hpp>
#include <xercesc/util/XMLEntityResolver.hpp>
#include <xercesc/util/XercesDefs.hpp>
#include <xercesc/sax2/SAX2XMLReader.hpp>

#include <memory>
#include <string>

namespace relief::xml {

void ensure_initialized();   // idempotent, thread-safe
std::string to_utf8(const XMLCh* s, std::size_t len);
std::string to_utf8(const XMLCh* s);
// The same into `out` (replaced), reusing its buffer: the feed reader converts
// every element's text, ~20 a claim.
void to_utf8(const XMLCh* s, std::size_t len, std::string& out);

class RefuseAllResolver : public xercesc::EntityResolver {
 public:
  xercesc::InputSource* resolveEntity(const XMLCh* const public_id, const XMLCh* const system_id) override;
};

// Hardened reader settings: namespaces, no external DTD, no default entity
// resolution, a SecurityManager, the refusing resolver. Validation is set by
// the caller.
void harden(xercesc::SAX2XMLReader& reader, RefuseAllResolver& resolver);

// Schema validation against a grammar already in the reader's pool, never
// one named by the document.
void validate_with_cached_grammar(xercesc::SAX2XMLReader& reader);

// The bytes to parse: a file streamed from `path`, or `buffer` when set
// (`path` is then only a label); `encoding` overrides the declaration.
std::unique_ptr<xercesc::InputSource> make_input(const std::string& path, const std::string* buffer,
                                                 const std::string& encoding);

}  // namespace relief::xml
