#include "model/log_filter_pattern.hpp"

#include <cctype>
#include <charconv>
#include <optional>
#include <variant>

#include "common/wildcard.hpp"
#include "model/json_parse.hpp"

namespace berth::model {

// A JSON pattern's tree: && and || over comparisons of a selected value.
struct FilterPattern::Node {
  enum class Kind { all, any, compare };
  enum class Op { eq, ne, lt, le, gt, ge, is_null, is_true, is_false, not_exists };
  Kind kind = Kind::compare;
  std::vector<std::shared_ptr<const Node>> children;  // all / any
  // compare: the selector's steps (a member name, or an index when `index` is set)
  struct Step {
    std::string name;
    std::optional<std::size_t> index;
  };
  std::vector<Step> selector;
  Op op = Op::eq;
  std::optional<double> number;  // a numeric value
  std::string text;              // a string value (with * wildcards)
};

namespace {

using Node = FilterPattern::Node;
using NodePtr = std::shared_ptr<const Node>;

// Nested parentheses beyond this are refused: the tree is walked recursively.
constexpr int k_max_nesting = 16;

std::unexpected<Error> invalid(const std::string& why) {
  return fail(Code::invalid_parameter, "Invalid filter pattern: " + why);
}

class JsonPatternParser {
 public:
  explicit JsonPatternParser(std::string_view text) : m_text(text) {}

  Result<NodePtr> parse() {
    auto node = or_expr(0);
    if (!node) return node;
    skip_space();
    if (m_at != m_text.size()) return invalid("unexpected '" + std::string(m_text.substr(m_at, 10)) + "'");
    return node;
  }

 private:
  void skip_space() {
    while (m_at < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_at]))) ++m_at;
  }
  bool take(std::string_view token) {
    skip_space();
    if (m_text.substr(m_at).starts_with(token)) {
      m_at += token.size();
      return true;
    }
    return false;
  }
  bool take_word(std::string_view word) {
    skip_space();
    const std::string_view rest = m_text.substr(m_at);
    if (rest.size() < word.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i) {
      if (std::toupper(static_cast<unsigned char>(rest[i])) != word[i]) return false;
    }
    if (rest.size() > word.size() && std::isalnum(static_cast<unsigned char>(rest[word.size()]))) return false;
    m_at += word.size();
    return true;
  }

  Result<NodePtr> or_expr(int depth) { return chain(depth, "||", Node::Kind::any); }
  Result<NodePtr> and_expr(int depth) { return chain(depth, "&&", Node::Kind::all); }

  Result<NodePtr> chain(int depth, std::string_view op, Node::Kind kind) {
    std::vector<NodePtr> parts;
    do {
      auto part = kind == Node::Kind::any ? and_expr(depth) : unary(depth);
      if (!part) return part;
      parts.push_back(std::move(*part));
    } while (take(op));
    if (parts.size() == 1) return parts.front();
    auto node = std::make_shared<Node>();
    node->kind = kind;
    node->children = std::move(parts);
    return NodePtr(node);
  }

  Result<NodePtr> unary(int depth) {
    if (take("(")) {
      if (depth >= k_max_nesting) return invalid("parentheses nested too deep");
      auto inner = or_expr(depth + 1);
      if (!inner) return inner;
      if (!take(")")) return invalid("missing ')'");
      return inner;
    }
    return comparison();
  }

  Result<NodePtr> comparison() {
    auto node = std::make_shared<Node>();
    skip_space();
    if (!take("$")) return invalid("a JSON pattern compares selectors that start with '$'");
    while (m_at < m_text.size()) {
      if (m_text[m_at] == '.') {
        const std::size_t start = ++m_at;
        while (m_at < m_text.size() && (std::isalnum(static_cast<unsigned char>(m_text[m_at])) || m_text[m_at] == '_' ||
                                        m_text[m_at] == '-' || m_text[m_at] == '@' || m_text[m_at] == '$')) {
          ++m_at;
        }
        if (m_at == start) return invalid("empty member name in a selector");
        node->selector.push_back({std::string(m_text.substr(start, m_at - start)), std::nullopt});
      } else if (m_text[m_at] == '[') {
        std::size_t index = 0;
        const auto [end, ec] = std::from_chars(m_text.data() + m_at + 1, m_text.data() + m_text.size(), index);
        if (ec != std::errc() || end == m_text.data() + m_text.size() || *end != ']') return invalid("bad array index in a selector");
        m_at = static_cast<std::size_t>(end - m_text.data()) + 1;
        node->selector.push_back({"", index});
      } else {
        break;
      }
    }
    if (take_word("IS")) {
      if (take_word("NULL")) node->op = Node::Op::is_null;
      else if (take_word("TRUE")) node->op = Node::Op::is_true;
      else if (take_word("FALSE")) node->op = Node::Op::is_false;
      else return invalid("IS takes NULL, TRUE or FALSE");
      return NodePtr(node);
    }
    if (take_word("NOT")) {
      if (!take_word("EXISTS")) return invalid("NOT takes EXISTS");
      node->op = Node::Op::not_exists;
      return NodePtr(node);
    }
    if (take("!=")) node->op = Node::Op::ne;
    else if (take("<=")) node->op = Node::Op::le;
    else if (take(">=")) node->op = Node::Op::ge;
    else if (take("=")) node->op = Node::Op::eq;
    else if (take("<")) node->op = Node::Op::lt;
    else if (take(">")) node->op = Node::Op::gt;
    else return invalid("expected =, !=, <, <=, >, >=, IS or NOT EXISTS after the selector");
    skip_space();
    if (m_at < m_text.size() && m_text[m_at] == '"') {
      std::string value;
      for (++m_at; m_at < m_text.size() && m_text[m_at] != '"'; ++m_at) {
        if (m_text[m_at] == '\\' && m_at + 1 < m_text.size()) ++m_at;
        value += m_text[m_at];
      }
      if (m_at >= m_text.size()) return invalid("unterminated string");
      ++m_at;
      node->text = std::move(value);
    } else {
      const std::size_t start = m_at;
      while (m_at < m_text.size() && !std::isspace(static_cast<unsigned char>(m_text[m_at])) &&
             std::string_view("()&|").find(m_text[m_at]) == std::string_view::npos) {
        ++m_at;
      }
      if (m_at == start) return invalid("missing value after the operator");
      node->text = std::string(m_text.substr(start, m_at - start));
      double number = 0;
      const auto [end, ec] = std::from_chars(node->text.data(), node->text.data() + node->text.size(), number);
      if (ec == std::errc() && end == node->text.data() + node->text.size()) node->number = number;
    }
    const bool ordering = node->op == Node::Op::lt || node->op == Node::Op::le || node->op == Node::Op::gt || node->op == Node::Op::ge;
    if (ordering && !node->number) return invalid("<, <=, > and >= compare numbers");
    return NodePtr(node);
  }

  std::string_view m_text;
  std::size_t m_at = 0;
};

const Json* select(const Json& root, const std::vector<Node::Step>& selector) {
  const Json* at = &root;
  for (const auto& step : selector) {
    if (step.index) {
      if (!at->is_array() || *step.index >= at->size()) return nullptr;
      at = &(*at)[*step.index];
    } else {
      if (!at->is_object()) return nullptr;
      const auto it = at->find(step.name);
      if (it == at->end()) return nullptr;
      at = &*it;
    }
  }
  return at;
}

bool compare(const Node& node, const Json* value) {
  using Op = Node::Op;
  if (node.op == Op::not_exists) return value == nullptr;
  if (!value) return false;
  switch (node.op) {
    case Op::is_null: return value->is_null();
    case Op::is_true: return value->is_boolean() && value->get<bool>();
    case Op::is_false: return value->is_boolean() && !value->get<bool>();
    default: break;
  }
  if (value->is_number() && node.number) {
    const double v = value->get<double>(), n = *node.number;
    switch (node.op) {
      case Op::eq: return v == n;
      case Op::ne: return v != n;
      case Op::lt: return v < n;
      case Op::le: return v <= n;
      case Op::gt: return v > n;
      case Op::ge: return v >= n;
      default: return false;
    }
  }
  if (node.op != Op::eq && node.op != Op::ne) return false;
  std::string text;
  if (value->is_string()) text = value->get<std::string>();
  else if (value->is_boolean() || value->is_number()) text = value->dump();
  else return false;
  return wildcard_match(node.text, text, Case::sensitive, Wildcards::star) == (node.op == Op::eq);
}

bool evaluate(const Node& node, const Json& root) {
  switch (node.kind) {
    case Node::Kind::all:
      for (const auto& child : node.children) {
        if (!evaluate(*child, root)) return false;
      }
      return true;
    case Node::Kind::any:
      for (const auto& child : node.children) {
        if (evaluate(*child, root)) return true;
      }
      return false;
    case Node::Kind::compare: return compare(node, select(root, node.selector));
  }
  return false;
}

Result<std::vector<FilterPattern::Term>> parse_terms(std::string_view text) {
  using Kind = FilterPattern::Term::Kind;
  std::vector<FilterPattern::Term> terms;
  std::size_t at = 0;
  while (true) {
    while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at]))) ++at;
    if (at == text.size()) return terms;
    FilterPattern::Term term;
    if (text[at] == '?') term.kind = Kind::alternative, ++at;
    else if (text[at] == '-') term.kind = Kind::excluded, ++at;
    if (at < text.size() && text[at] == '"') {
      for (++at; at < text.size() && text[at] != '"'; ++at) {
        if (text[at] == '\\' && at + 1 < text.size()) ++at;
        term.text += text[at];
      }
      if (at >= text.size()) return invalid("unterminated quoted term");
      ++at;
    } else {
      while (at < text.size() && !std::isspace(static_cast<unsigned char>(text[at])) && text[at] != '"') term.text += text[at++];
    }
    if (term.text.empty() && term.kind != Kind::required) return invalid("'?' and '-' must be followed by a term");
    if (!term.text.empty()) terms.push_back(std::move(term));
  }
}

}  // namespace

Result<FilterPattern> FilterPattern::parse(std::string_view text) {
  if (text.size() > k_max_filter_pattern) return invalid("longer than 1024 characters");
  FilterPattern out;
  std::string_view trimmed = text;
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front()))) trimmed.remove_prefix(1);
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back()))) trimmed.remove_suffix(1);
  if (trimmed.starts_with("[")) return invalid("berth does not support space-delimited patterns ([...])");
  if (trimmed.starts_with("%")) return invalid("berth does not support regular-expression patterns (%...%)");
  if (trimmed.starts_with("{")) {
    if (!trimmed.ends_with("}")) return invalid("a JSON pattern ends with '}'");
    auto tree = JsonPatternParser(trimmed.substr(1, trimmed.size() - 2)).parse();
    if (!tree) return std::unexpected(tree.error());
    out.m_json = std::move(*tree);
    return out;
  }
  BERTH_ASSIGN(out.m_terms, parse_terms(trimmed));
  return out;
}

bool FilterPattern::matches(std::string_view message) const {
  if (m_json) {
    const std::size_t first = message.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos || message[first] != '{') return false;
    auto parsed = parse_json(message, "log event");
    return parsed && parsed->is_object() && evaluate(*m_json, *parsed);
  }
  bool any_alternative = false, alternative_found = false;
  for (const auto& term : m_terms) {
    const bool found = message.find(term.text) != std::string_view::npos;
    switch (term.kind) {
      case Term::Kind::required:
        if (!found) return false;
        break;
      case Term::Kind::excluded:
        if (found) return false;
        break;
      case Term::Kind::alternative:
        any_alternative = true;
        alternative_found = alternative_found || found;
        break;
    }
  }
  return !any_alternative || alternative_found;
}

}  // namespace berth::model
