using Beacon.Application.Jobs.Queries.GetJobs;

namespace Beacon.UnitTests.Jobs;

public sealed class GetJobsValidatorTests
{
    private readonly GetJobsValidator _validator = new();

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void A_page_size_out_of_range_says_the_range_as_the_other_lists_do(int size)
    {
        var error = _validator.Validate(new GetJobsQuery(PageSize: size)).Errors.ShouldHaveSingleItem();
        error.PropertyName.ShouldBe("pageSize");
        error.ErrorMessage.ShouldBe("'pageSize' is 1-100.");
    }

    [Theory]
    [InlineData(null)]
    [InlineData(1)]
    [InlineData(100)]
    public void A_page_size_in_range_or_none_is_valid(int? size) =>
        _validator.Validate(new GetJobsQuery(PageSize: size)).IsValid.ShouldBeTrue();
}
