#include "place/query.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <optional>
#include <regex>

#include "common/civil_time.hpp"
#include "common/tame_regex.hpp"

namespace berth::place {

enum class Op { eq, ne, gt, ge, lt, le, exists, not_exists, in, not_in, matches, not_matches };
enum class Subject { attribute, task_group, agent_connected, ec2_instance_id, agent_version,
                     registered_at, running_tasks_count };

struct Expression::Node {
  enum class Kind { and_, or_, not_, comparison } kind = Kind::comparison;
  std::shared_ptr<const Node> left, right;
  Subject subject = Subject::attribute;
  std::string attribute;
  Op op = Op::eq;
  std::vector<std::string> values;
  std::shared_ptr<const std::regex> regex;
};

namespace {

bool is_tame_pattern(std::string_view pattern);

using Node = Expression::Node;
using NodePtr = std::shared_ptr<const Node>;

bool is_word_char(char c) {
  return !std::isspace(static_cast<unsigned char>(c)) && c != '(' && c != ')';
}

class Parser {
 public:
  explicit Parser(std::string_view text) : m_text(text) {}

  Result<NodePtr> parse() {
    BERTH_ASSIGN(auto node, parse_or());
    skip_space();
    if (m_pos != m_text.size()) return error("end of expression");
    return node;
  }

 private:
  std::unexpected<Error> error(const std::string& expected) const {
    const std::string found = m_pos < m_text.size() ? "'" + std::string(m_text.substr(m_pos, 12)) + "'" : "the end";
    return fail(Code::invalid_parameter, "Invalid expression at position " + std::to_string(m_pos + 1) +
                                             ": expected " + expected + ", found " + found + ".");
  }

  void skip_space() {
    while (m_pos < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_pos]))) ++m_pos;
  }

  // Consumes `keyword` if it stands next as a whole token.
  bool take(std::string_view keyword) {
    skip_space();
    if (m_text.substr(m_pos, keyword.size()) != keyword) return false;
    const std::size_t end = m_pos + keyword.size();
    const bool symbolic = !std::isalpha(static_cast<unsigned char>(keyword.back()));
    if (!symbolic && end < m_text.size() && is_word_char(m_text[end])) return false;
    m_pos = end;
    return true;
  }

  std::string word() {
    skip_space();
    const std::size_t start = m_pos;
    while (m_pos < m_text.size() && is_word_char(m_text[m_pos])) ++m_pos;
    return std::string(m_text.substr(start, m_pos - start));
  }

  // or-expressions of and-expressions: one routine for both precedence levels.
  Result<NodePtr> parse_or() { return parse_binary(Node::Kind::or_); }
  Result<NodePtr> parse_and() { return parse_binary(Node::Kind::and_); }

  Result<NodePtr> parse_binary(Node::Kind kind) {
    const bool is_or = kind == Node::Kind::or_;
    const auto operand = [&] { return is_or ? parse_and() : parse_unary(); };
    BERTH_ASSIGN(auto left, operand());
    while (is_or ? (take("||") || take("or")) : (take("&&") || take("and"))) {
      BERTH_ASSIGN(auto right, operand());
      auto node = std::make_shared<Node>();
      node->kind = kind;
      node->left = left;
      node->right = right;
      left = node;
    }
    return left;
  }

  Result<NodePtr> parse_unary() {
    skip_space();
    if (take("not") || (m_pos < m_text.size() && m_text[m_pos] == '!' && take("!"))) {
      BERTH_ASSIGN(auto inner, parse_unary());
      auto node = std::make_shared<Node>();
      node->kind = Node::Kind::not_;
      node->left = inner;
      return NodePtr(node);
    }
    if (take("(")) {
      BERTH_ASSIGN(auto inner, parse_or());
      if (!take(")")) return error("')'");
      return inner;
    }
    return parse_comparison();
  }

  Result<NodePtr> parse_comparison() {
    auto node = std::make_shared<Node>();
    const std::size_t subject_pos = m_pos;
    const std::string subject = word();
    if (subject.starts_with("attribute:") && subject.size() > 10) {
      node->subject = Subject::attribute;
      node->attribute = subject.substr(10);
    } else if (subject == "task:group") node->subject = Subject::task_group;
    else if (subject == "agentConnected") node->subject = Subject::agent_connected;
    else if (subject == "ec2InstanceId") node->subject = Subject::ec2_instance_id;
    else if (subject == "agentVersion") node->subject = Subject::agent_version;
    else if (subject == "registeredAt") node->subject = Subject::registered_at;
    else if (subject == "runningTasksCount") node->subject = Subject::running_tasks_count;
    else {
      m_pos = subject_pos;
      skip_space();
      return error("a subject (attribute:<name>, task:group, agentConnected, ec2InstanceId, "
                   "agentVersion, registeredAt or runningTasksCount)");
    }
    static const std::pair<std::string_view, Op> k_ops[] = {
        {"==", Op::eq}, {"equals", Op::eq}, {"!=", Op::ne}, {"not_equals", Op::ne},
        {">=", Op::ge}, {"greater_than_equal", Op::ge}, {">", Op::gt}, {"greater_than", Op::gt},
        {"<=", Op::le}, {"less_than_equal", Op::le}, {"<", Op::lt}, {"less_than", Op::lt},
        {"!exists", Op::not_exists}, {"not_exists", Op::not_exists}, {"exists", Op::exists},
        {"!in", Op::not_in}, {"not_in", Op::not_in}, {"in", Op::in},
        {"=~", Op::matches}, {"matches", Op::matches}, {"!~", Op::not_matches}, {"not_matches", Op::not_matches}};
    skip_space();
    const std::size_t op_pos = m_pos;
    const std::string op_word = word();
    const auto op = std::find_if(std::begin(k_ops), std::end(k_ops), [&](const auto& p) { return p.first == op_word; });
    if (op == std::end(k_ops)) {
      m_pos = op_pos;
      return error("an operator (==, !=, >, >=, <, <=, exists, !exists, in, !in, =~, !~)");
    }
    node->op = op->second;
    if (node->op == Op::exists || node->op == Op::not_exists) return NodePtr(node);
    skip_space();
    if (node->op == Op::in || node->op == Op::not_in) {
      if (!take("[")) return error("'[' starting a list");
      while (true) {
        skip_space();
        const std::size_t start = m_pos;
        while (m_pos < m_text.size() && m_text[m_pos] != ',' && m_text[m_pos] != ']') ++m_pos;
        std::string value(m_text.substr(start, m_pos - start));
        while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.pop_back();
        if (value.empty()) return error("a list value");
        node->values.push_back(value);
        if (take(",")) continue;
        if (take("]")) break;
        return error("',' or ']'");
      }
      return NodePtr(node);
    }
    const std::string value = word();
    if (value.empty()) return error("a value");
    node->values.push_back(value);
    if (node->op == Op::matches || node->op == Op::not_matches) {
      if (!is_tame_pattern(value)) return error("a regular expression without backreferences, with at most 3 repetitions, each at most 100");
      try {
        node->regex = std::make_shared<const std::regex>(value, std::regex::ECMAScript);
      } catch (const std::regex_error&) {
        return error("a valid regular expression");
      }
    }
    if (node->subject == Subject::agent_connected && value != "true" && value != "false") {
      return error("true or false");
    }
    return NodePtr(node);
  }

  std::string_view m_text;
  std::size_t m_pos = 0;
};

std::optional<double> number_of(const std::string& s) {
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// -1, 0, 1: numerically when both are numbers, by dotted version parts for versions, else text.
int compare(const std::string& a, const std::string& b) {
  const auto na = number_of(a), nb = number_of(b);
  if (na && nb) return *na < *nb ? -1 : (*na > *nb ? 1 : 0);
  return a < b ? -1 : (a > b ? 1 : 0);
}

// A `matches` pattern comes from the API and runs against every instance on every placement,
// against attribute values of at most 128 characters: three open-ended repetitions at most (see
// common/tame_regex.hpp; "a*a*a*a*a*a*b" would take minutes). Values cannot hold parentheses (the
// tokenizer ends a word there), so the refusal of groups never shows.
bool is_tame_pattern(std::string_view pattern) { return !untamed_regex(pattern, 3).has_value(); }

int compare_versions(const std::string& a, const std::string& b) {
  // Each run of digits is compared as a number of any length (the text comes from the
  // expression and the agent: a long run must not overflow), leading zeros aside.
  const auto is_digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    const auto next = [&](const std::string& s, std::size_t& p) {
      while (p < s.size() && s[p] == '0') ++p;
      const std::size_t start = p;
      while (p < s.size() && is_digit(s[p])) ++p;
      const std::string_view digits(s.data() + start, p - start);
      while (p < s.size() && !is_digit(s[p])) ++p;
      return digits;
    };
    const std::string_view x = next(a, i), y = next(b, j);
    if (x.size() != y.size()) return x.size() < y.size() ? -1 : 1;
    if (const int c = x.compare(y); c != 0) return c < 0 ? -1 : 1;
  }
  return 0;
}

// "2018-06-18" or "2018-06-18T22:28:28Z" as epoch ms (UTC).
std::optional<EpochMs> parse_date(const std::string& s) {
  int y, mo, d, h = 0, mi = 0, sec = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) < 3) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) return std::nullopt;
  return static_cast<EpochMs>(utc_seconds(y, mo, d, h, mi, sec)) * 1000;
}

bool evaluate(const Node& n, const InstanceFacts& f);

bool compare_op(Op op, int cmp) {
  switch (op) {
    case Op::eq: return cmp == 0;
    case Op::ne: return cmp != 0;
    case Op::gt: return cmp > 0;
    case Op::ge: return cmp >= 0;
    case Op::lt: return cmp < 0;
    case Op::le: return cmp <= 0;
    default: return false;
  }
}

// `value` is nullptr when the instance lacks the attribute.
bool value_matches(const Node& n, const std::string* value) {
  switch (n.op) {
    case Op::exists: return value != nullptr;
    case Op::not_exists: return value == nullptr;
    case Op::in: return value && std::find(n.values.begin(), n.values.end(), *value) != n.values.end();
    case Op::not_in: return !value || std::find(n.values.begin(), n.values.end(), *value) == n.values.end();
    case Op::matches: return value && std::regex_match(*value, *n.regex);
    case Op::not_matches: return !value || !std::regex_match(*value, *n.regex);
    case Op::ne: return !value || compare(*value, n.values[0]) != 0;
    default: return value && compare_op(n.op, compare(*value, n.values[0]));
  }
}

bool evaluate(const Node& n, const InstanceFacts& f) {
  switch (n.kind) {
    case Node::Kind::and_: return evaluate(*n.left, f) && evaluate(*n.right, f);
    case Node::Kind::or_: return evaluate(*n.left, f) || evaluate(*n.right, f);
    case Node::Kind::not_: return !evaluate(*n.left, f);
    case Node::Kind::comparison: break;
  }
  switch (n.subject) {
    case Subject::attribute: {
      const auto it = f.attributes.find(n.attribute);
      return value_matches(n, it == f.attributes.end() ? nullptr : &it->second);
    }
    case Subject::task_group: {
      if (n.op == Op::ne || n.op == Op::not_in || n.op == Op::not_matches || n.op == Op::not_exists) {
        Node positive = n;
        positive.op = n.op == Op::ne ? Op::eq : n.op == Op::not_in ? Op::in : n.op == Op::not_matches ? Op::matches : Op::exists;
        return !std::any_of(f.task_groups.begin(), f.task_groups.end(),
                            [&](const std::string& g) { return value_matches(positive, &g); });
      }
      return std::any_of(f.task_groups.begin(), f.task_groups.end(),
                         [&](const std::string& g) { return value_matches(n, &g); });
    }
    case Subject::agent_connected: {
      const std::string value = f.agent_connected ? "true" : "false";
      return value_matches(n, &value);
    }
    case Subject::ec2_instance_id: return value_matches(n, &f.ec2_instance_id);
    case Subject::agent_version:
      if (n.op == Op::eq || n.op == Op::ne || n.op == Op::gt || n.op == Op::ge || n.op == Op::lt || n.op == Op::le) {
        return compare_op(n.op, compare_versions(f.agent_version, n.values[0]));
      }
      return value_matches(n, &f.agent_version);
    case Subject::registered_at: {
      const auto date = parse_date(n.values.empty() ? "" : n.values[0]);
      if (!date) return false;
      const EpochMs day = f.registered_at;
      return compare_op(n.op, day < *date ? -1 : (day > *date ? 1 : 0));
    }
    case Subject::running_tasks_count: {
      const std::string value = std::to_string(f.running_tasks);
      return value_matches(n, &value);
    }
  }
  return false;
}

}  // namespace

bool Expression::matches(const InstanceFacts& instance) const { return evaluate(*m_root, instance); }

bool Expression::is_static() const {
  std::vector<const Node*> pending{m_root.get()};
  while (!pending.empty()) {
    const Node* n = pending.back();
    pending.pop_back();
    if (n->kind == Node::Kind::comparison) {
      if (n->subject == Subject::running_tasks_count || n->subject == Subject::task_group) return false;
      continue;
    }
    if (n->left) pending.push_back(n->left.get());
    if (n->right) pending.push_back(n->right.get());
  }
  return true;
}

Result<Expression> parse_expression(std::string_view text) {
  if (text.size() > 2000) return fail(Code::invalid_parameter, "An expression is limited to 2000 characters.");
  BERTH_ASSIGN(auto root, Parser(text).parse());
  return Expression(root);
}

Expression attribute_requirement(const std::string& name, const std::optional<std::string>& value) {
  auto node = std::make_shared<Node>();
  node->subject = Subject::attribute;
  node->attribute = name;
  node->op = value ? Op::eq : Op::exists;
  if (value) node->values = {*value};
  return Expression(std::move(node));
}

}  // namespace berth::place
