#include "model/account_setting_shapes.hpp"

namespace berth::model::request_shapes {
namespace {

const Shape k_string = string_shape();
const Shape k_bool = boolean_shape();
const Shape k_max_results = integer_shape(1, 10);  // ListAccountSettings pages hold 1 to 10

const Shape k_put = structure({{"name", &k_string, true}, {"value", &k_string, true}, {"principalArn", &k_string}});
const Shape k_put_default = structure({{"name", &k_string, true}, {"value", &k_string, true}});
const Shape k_list = structure({{"name", &k_string},
                                {"value", &k_string},
                                {"principalArn", &k_string},
                                {"effectiveSettings", &k_bool},
                                {"nextToken", &k_string},
                                {"maxResults", &k_max_results}});
const Shape k_delete = structure({{"name", &k_string, true}, {"principalArn", &k_string}});

}  // namespace

const Shape& put_account_setting = k_put;
const Shape& put_account_setting_default = k_put_default;
const Shape& list_account_settings = k_list;
const Shape& delete_account_setting = k_delete;

}  // namespace berth::model::request_shapes
