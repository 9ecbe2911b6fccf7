#include "adapters/feed/xerces_support.hpp"

#include <cstring>

#include <xercesc/framework/LocalFileInputSource.hpp>
#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/sax/SAXException.hpp>
#include <xercesc/sax2/XMLReaderFactory.hpp>
#include <xercesc/util/PlatformUtils.hpp>
#include <xercesc/util/SecurityManager.hpp>
#include <xercesc/util/XMLUni.hpp>

#include <cstdlib>
#include <mutex>

using namespace xercesc;

namespace relief::xml {

namespace {
std::once_flag g_init;
SecurityManager* g_security = nullptr;
}  // namespace

void ensure_initialized() {
  std::call_once(g_init, [] {
    XMLPlatformUtils::Initialize();
    g_security = new SecurityManager();
    g_security->setEntityExpansionLimit(100);
    // Xerces objects live as long as the process; Terminate is left to exit
    // so no reader outlives it.
  });
}

std::string to_utf8(const XMLCh* s, std::size_t len) {
  std::string out;
  to_utf8(s, len, out);
  return out;
}

void to_utf8(const XMLCh* s, std::size_t len, std::string& out) {
  // Every UTF-16 unit becomes at most 3 bytes (a surrogate pair, 2 units, 4).
  out.resize(len * 3);
  char* p = out.data();
  std::size_t i = 0;
  // ASCII four units at a time while it lasts (most of a feed's text).
  for (; i + 4 <= len; i += 4) {
    std::uint64_t units;
    std::memcpy(&units, s + i, sizeof units);
    if (units & 0xFF80FF80FF80FF80ull) break;
    p[0] = static_cast<char>(s[i]);
    p[1] = static_cast<char>(s[i + 1]);
    p[2] = static_cast<char>(s[i + 2]);
    p[3] = static_cast<char>(s[i + 3]);
    p += 4;
  }
  for (; i < len; ++i) {
    std::uint32_t c = s[i];
    if (c < 0x80) {  // the common case: ASCII
      *p++ = static_cast<char>(c);
      continue;
    }
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < len && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) {
      c = 0x10000 + ((c - 0xD800) << 10) + (static_cast<std::uint32_t>(s[i + 1]) - 0xDC00);
      ++i;
    }
    if (c < 0x800) {
      *p++ = static_cast<char>(0xC0 | (c >> 6));
      *p++ = static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      *p++ = static_cast<char>(0xE0 | (c >> 12));
      *p++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      *p++ = static_cast<char>(0x80 | (c & 0x3F));
    } else {
      *p++ = static_cast<char>(0xF0 | (c >> 18));
      *p++ = static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      *p++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      *p++ = static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  out.resize(static_cast<std::size_t>(p - out.data()));
}

std::string to_utf8(const XMLCh* s) { return s ? to_utf8(s, XMLString::stringLen(s)) : std::string(); }

InputSource* RefuseAllResolver::resolveEntity(const XMLCh* const, const XMLCh* const system_id) {
  std::string what = to_utf8(system_id);
  std::string msg = "external entity, DTD or schema refused: '" + what + "'";
  XMLCh* xmsg = XMLString::transcode(msg.c_str());
  SAXException e(xmsg);
  XMLString::release(&xmsg);
  throw e;
}

void harden(SAX2XMLReader& reader, RefuseAllResolver& resolver) {
  reader.setFeature(XMLUni::fgSAX2CoreNameSpaces, true);
  reader.setFeature(XMLUni::fgSAX2CoreNameSpacePrefixes, false);
  reader.setFeature(XMLUni::fgXercesLoadExternalDTD, false);
  reader.setFeature(XMLUni::fgXercesDisableDefaultEntityResolution, true);
  reader.setFeature(XMLUni::fgXercesSkipDTDValidation, true);
  reader.setFeature(XMLUni::fgXercesLoadSchema, false);
  reader.setFeature(XMLUni::fgXercesContinueAfterFatalError, false);
  reader.setProperty(XMLUni::fgXercesSecurityManager, g_security);
  reader.setEntityResolver(&resolver);
}

void validate_with_cached_grammar(SAX2XMLReader& reader) {
  reader.setFeature(XMLUni::fgSAX2CoreValidation, true);
  reader.setFeature(XMLUni::fgXercesDynamic, false);
  reader.setFeature(XMLUni::fgXercesSchema, true);
  reader.setFeature(XMLUni::fgXercesSchemaFullChecking, false);
  reader.setFeature(XMLUni::fgXercesUseCachedGrammarInParse, true);
  reader.setFeature(XMLUni::fgXercesIdentityConstraintChecking, false);
}

std::unique_ptr<InputSource> make_input(const std::string& path, const std::string* buffer, const std::string& encoding) {
  std::unique_ptr<InputSource> input;
  if (buffer) {
    input = std::make_unique<MemBufInputSource>(reinterpret_cast<const XMLByte*>(buffer->data()), buffer->size(),
                                                path.empty() ? "buffer" : path.c_str());
  } else {
    XMLCh* xpath = XMLString::transcode(path.c_str());
    input = std::make_unique<LocalFileInputSource>(xpath);
    XMLString::release(&xpath);
  }
  if (!encoding.empty()) {
    XMLCh* xenc = XMLString::transcode(encoding.c_str());
    input->setEncoding(xenc);
    XMLString::release(&xenc);
  }
  return input;
}

}  // namespace relief::xml
